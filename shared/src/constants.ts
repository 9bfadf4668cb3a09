export const NETWORK_ROLES = ['owner', 'admin', 'moderator', 'member'] as const;
export type NetworkRole = (typeof NETWORK_ROLES)[number];

/** Who may see an optional profile field. */
export const FIELD_VISIBILITIES = ['public', 'members', 'private'] as const;
export type FieldVisibility = (typeof FIELD_VISIBILITIES)[number];

/** A profile page is for members unless its owner opens it to everyone. */
export const PROFILE_VISIBILITIES = ['public', 'members'] as const;

export const GROUP_VISIBILITIES = ['public', 'private', 'secret'] as const;
export type GroupVisibility = (typeof GROUP_VISIBILITIES)[number];
export const GROUP_ROLES = ['organizer', 'moderator', 'member'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];
/** active: in the group with a role; pending: asked to join; invited: asked by the group; banned. */
export const GROUP_MEMBER_STATES = ['active', 'pending', 'invited', 'banned'] as const;
export type GroupMemberState = (typeof GROUP_MEMBER_STATES)[number];
export const TERRITORY_KINDS = ['commune', 'department', 'region'] as const;
export type TerritoryKind = (typeof TERRITORY_KINDS)[number];
/** Who may create groups: any verified member, or admins only. */
export const GROUP_CREATION_POLICIES = ['members', 'admins'] as const;
export type GroupCreationPolicy = (typeof GROUP_CREATION_POLICIES)[number];

export const WALLS = ['network', 'group', 'profile'] as const;
export type Wall = (typeof WALLS)[number];
/** A small fixed set; one per member per post, switchable. */
export const REACTION_KINDS = ['like', 'love', 'applause', 'solidarity', 'thinking'] as const;
export type ReactionKind = (typeof REACTION_KINDS)[number];

/**
 * Who may read a forum category, start threads or reply in it. `members`: whoever may read the
 * forum (for reading: anyone a public group shows its content to) and, to write, take part in it;
 * `moderators`: the group's moderators and organizers, or the network's moderators; `organizers`:
 * the group's organizers, or the network's admins. Staff above a level always have it.
 */
export const FORUM_ACCESS_LEVELS = ['members', 'moderators', 'organizers'] as const;
export type ForumAccessLevel = (typeof FORUM_ACCESS_LEVELS)[number];

/**
 * How a member follows a thread: `watching` (told of every reply; a thread's author starts there),
 * `tracking` (unread counts on lists; where replying puts you), `normal`, `muted` (out of the lists).
 */
export const THREAD_LEVELS = ['watching', 'tracking', 'normal', 'muted'] as const;
export type ThreadLevel = (typeof THREAD_LEVELS)[number];

export const NOTIFICATION_KINDS = ['mention', 'comment', 'reply', 'reaction', 'join_request', 'request_approved', 'invitation', 'forum_reply', 'forum_mention'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const LIMITS = {
  emailMax: 254,
  passwordMin: 10,
  passwordMax: 256,
  displayNameMax: 80,
  handleMin: 3,
  handleMax: 30,
  bioMax: 2000,
  communeMax: 100,
  linksMax: 5,
  linkLabelMax: 60,
  urlMax: 500,
  networkNameMax: 80,
  taglineMax: 160,
  pageSizeMax: 100,
  pageSizeDefault: 20,
  searchMax: 100,
  groupNameMin: 3,
  groupNameMax: 80,
  groupSlugMax: 60,
  groupDescriptionMax: 5000,
  postMax: 10000,
  commentMax: 4000,
  hashtagMax: 50,
  mentionsPerPostMax: 20,
  accessTokenNameMax: 60,
  accessTokensPerMember: 20,
  forumCategoryNameMax: 80,
  forumCategoryDescriptionMax: 500,
  forumCategoriesPerForum: 100,
  threadTitleMin: 3,
  threadTitleMax: 150,
  forumPostMax: 20000,
  /** Replies on one page of a thread; "jump to reply N" lands on the page that holds it. */
  threadPageSize: 20,
  synthesisMax: 20000,
  synthesisSourcesMax: 50,
} as const;

/** How long an e-mail invitation to a group stays valid. */
export const GROUP_INVITATION_DAYS = 14;

export const SESSION_COOKIE = 'caucus_session';
export const LOCALE_COOKIE = 'PARAGLIDE_LOCALE';
/** The version of the privacy policy a member consents to at sign-up. */
export const PRIVACY_POLICY_VERSION = '2026-12-04';
