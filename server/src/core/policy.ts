import type { FieldVisibility, ForumAccessLevel, GroupCreationPolicy, GroupMemberState, GroupRole, GroupVisibility, NetworkRole } from '@caucus/shared/constants.ts';

/**
 * The one place that answers "may this member do this to that?". Routes, live rooms, search and
 * the streaming API ask here; nothing else decides. Set-based questions take and return ids.
 */

export interface Viewer {
  id: string;
  role: NetworkRole;
  emailVerified: boolean;
}

/** Anyone who is not signed in is `null`. */
export type MaybeViewer = Viewer | null;

const ROLE_RANK: Record<NetworkRole, number> = { member: 0, moderator: 1, admin: 2, owner: 3 };

export const isAdmin = (viewer: MaybeViewer): boolean => viewer !== null && ROLE_RANK[viewer.role] >= ROLE_RANK.admin;

/** Members see members-only content once their e-mail is verified. */
export const isMember = (viewer: MaybeViewer): boolean => viewer !== null && viewer.emailVerified;

export interface ProfileSubject {
  id: string;
  profileVisibility: 'public' | 'members';
  emailVerified: boolean;
}

/** A profile exists for a viewer if it is theirs, public, or they are a member. Unverified accounts stay hidden. */
export function canViewProfile(viewer: MaybeViewer, subject: ProfileSubject): boolean {
  if (viewer?.id === subject.id) return true;
  if (!subject.emailVerified) return isAdmin(viewer);
  return subject.profileVisibility === 'public' || isMember(viewer);
}

export function canViewProfileField(viewer: MaybeViewer, subjectId: string, visibility: FieldVisibility): boolean {
  if (viewer?.id === subjectId) return true;
  if (visibility === 'public') return true;
  if (visibility === 'members') return isMember(viewer);
  return false;
}

/** The directory is for members only; it lists those who agreed to it. */
export const canBrowseDirectory = (viewer: MaybeViewer): boolean => isMember(viewer);

export const canManageNetwork = (viewer: MaybeViewer): boolean => isAdmin(viewer);
export const canReadOutbox = (viewer: MaybeViewer): boolean => isAdmin(viewer);

/**
 * Role changes: admins manage members and moderators; only the owner makes or unmakes admins;
 * nobody changes the owner's role or makes another owner here (ownership transfer is its own act).
 */
export function canChangeRole(viewer: MaybeViewer, target: { id: string; role: NetworkRole }, newRole: NetworkRole): boolean {
  if (!isAdmin(viewer) || viewer === null) return false;
  if (target.role === 'owner' || newRole === 'owner') return false;
  if (target.id === viewer.id) return false;
  if (viewer.role === 'owner') return true;
  return target.role !== 'admin' && newRole !== 'admin';
}

// ── Groups ──────────────────────────────────────────────────────────────────────────────────────
// Network admins own the network and answer for it: they may read and manage every group.
// Network moderators curate debates: they read private groups, never secret ones.

export interface GroupSubject {
  visibility: GroupVisibility;
}
/** The viewer's row in the group, if any. */
export type GroupMembershipRow = { state: GroupMemberState; role: GroupRole } | null;

const isNetworkModerator = (viewer: MaybeViewer): boolean => viewer !== null && ROLE_RANK[viewer.role] >= ROLE_RANK.moderator;
const isActive = (m: GroupMembershipRow): m is { state: 'active'; role: GroupRole } => m?.state === 'active';

/** Whether the group exists for this viewer at all: a secret group is invisible to non-members. */
export function canSeeGroup(viewer: MaybeViewer, group: GroupSubject, m: GroupMembershipRow): boolean {
  if (group.visibility !== 'secret') return true;
  return isAdmin(viewer) || isActive(m) || m?.state === 'invited';
}

/** Its wall, its roster, its live room, its media. Banned members read nothing private. */
export function canReadGroupContent(viewer: MaybeViewer, group: GroupSubject, m: GroupMembershipRow): boolean {
  if (group.visibility === 'public') return true;
  if (isAdmin(viewer)) return true;
  if (group.visibility === 'private' && isNetworkModerator(viewer) && isMember(viewer)) return true;
  return isMember(viewer) && isActive(m);
}

/** Post, comment and react in the group: its active members, with a verified address. */
export const canParticipateInGroup = (viewer: MaybeViewer, m: GroupMembershipRow): boolean => isMember(viewer) && isActive(m);

/** Approve requests, invite, remove or ban plain members. */
export function canModerateGroup(viewer: MaybeViewer, m: GroupMembershipRow): boolean {
  if (!isMember(viewer)) return false;
  return isAdmin(viewer) || (isActive(m) && (m.role === 'organizer' || m.role === 'moderator'));
}

/** Edit the group, change roles, remove moderators and organizers. */
export function canManageGroup(viewer: MaybeViewer, m: GroupMembershipRow): boolean {
  if (!isMember(viewer)) return false;
  return isAdmin(viewer) || (isActive(m) && m.role === 'organizer');
}

/** How the viewer may enter: at once (public), by a request (private), or not (secret, banned, already in). */
export function joinMode(viewer: MaybeViewer, group: GroupSubject, m: GroupMembershipRow): 'join' | 'request' | null {
  if (!isMember(viewer) || m !== null) return null;
  if (group.visibility === 'public') return 'join';
  if (group.visibility === 'private') return 'request';
  return null;
}

export function canCreateGroup(viewer: MaybeViewer, policy: GroupCreationPolicy): boolean {
  return isMember(viewer) && (policy === 'members' || isAdmin(viewer));
}

/** Moderating a target member: moderators act on plain members only; organizers and admins on anyone but themselves. */
export function canActOnGroupMember(viewer: MaybeViewer, m: GroupMembershipRow, target: { id: string; role: GroupRole }): boolean {
  if (viewer === null || target.id === viewer.id) return false;
  if (canManageGroup(viewer, m)) return true;
  return canModerateGroup(viewer, m) && target.role === 'member';
}

// ── Walls and posts ─────────────────────────────────────────────────────────────────────────────

/** What the policy needs to know of a post's wall: loaded in bulk with the posts. */
export type WallSubject =
  | { wall: 'network' }
  | { wall: 'group'; group: GroupSubject; membership: GroupMembershipRow }
  | { wall: 'profile'; profile: ProfileSubject; ownerFollowsViewer: boolean };

export function canReadWall(viewer: MaybeViewer, subject: WallSubject): boolean {
  switch (subject.wall) {
    case 'network': return isMember(viewer);
    case 'group': return canReadGroupContent(viewer, subject.group, subject.membership);
    case 'profile': return canViewProfile(viewer, subject.profile);
  }
}

/**
 * Posting: the network wall is the campaign's (owner and admins); a group's wall its members';
 * a profile wall its owner's, and the members its owner follows.
 */
export function canPostOnWall(viewer: MaybeViewer, subject: WallSubject): boolean {
  if (!isMember(viewer) || viewer === null) return false;
  switch (subject.wall) {
    case 'network': return isAdmin(viewer);
    case 'group': return canParticipateInGroup(viewer, subject.membership);
    case 'profile': return subject.profile.id === viewer.id || (subject.ownerFollowsViewer && canViewProfile(viewer, subject.profile));
  }
}

/** Comment and react: whoever may read the wall and take part in it. */
export function canRespondOnWall(viewer: MaybeViewer, subject: WallSubject): boolean {
  if (!isMember(viewer) || !canReadWall(viewer, subject)) return false;
  return subject.wall === 'group' ? canParticipateInGroup(viewer, subject.membership) : true;
}

export const canEditOwn = (viewer: MaybeViewer, authorId: string): boolean => isMember(viewer) && viewer?.id === authorId;

/** The author; the group's moderators on its wall; network moderators everywhere. */
export function canDeleteOnWall(viewer: MaybeViewer, authorId: string, subject: WallSubject): boolean {
  if (viewer === null) return false;
  if (viewer.id === authorId) return true;
  if (!isMember(viewer) || !canReadWall(viewer, subject)) return false;
  if (isNetworkModerator(viewer)) return true;
  return subject.wall === 'group' && canModerateGroup(viewer, subject.membership);
}

/** Pinning: organizers (and admins) on a group wall, admins on the network wall, the owner on a profile wall. */
export function canPinOnWall(viewer: MaybeViewer, subject: WallSubject): boolean {
  if (!isMember(viewer) || viewer === null) return false;
  switch (subject.wall) {
    case 'network': return isAdmin(viewer);
    case 'group': return canManageGroup(viewer, subject.membership);
    case 'profile': return subject.profile.id === viewer.id;
  }
}

/** Following: members follow members they may see, never themselves. */
export const canFollow = (viewer: MaybeViewer, subject: ProfileSubject): boolean =>
  isMember(viewer) && viewer?.id !== subject.id && canViewProfile(viewer, subject);

/**
 * Accepting an invitation: a verified member invited by handle; or one who holds an e-mailed
 * link, unless already in the group or banned from it.
 */
export function canAcceptGroupInvitation(viewer: MaybeViewer, m: GroupMembershipRow, holdsLink: boolean): boolean {
  if (!isMember(viewer)) return false;
  if (m?.state === 'invited') return true;
  return holdsLink && (m === null || m.state === 'pending');
}

// ── Forums ──────────────────────────────────────────────────────────────────────────────────────
// The network's forum is its members'; a group's forum follows the group: whoever may read the
// group's content reads its forum, its active members write there. Each category may narrow who
// reads, who starts threads and who replies to a level: members, moderators or organizers.

export type ForumSubject =
  | { forum: 'network' }
  | { forum: 'group'; group: GroupSubject; membership: GroupMembershipRow };

const LEVEL_RANK: Record<ForumAccessLevel, number> = { members: 0, moderators: 1, organizers: 2 };

/** The viewer's standing in a forum: the highest level they reach, or null if they take no part in it. */
function forumStanding(viewer: MaybeViewer, subject: ForumSubject): ForumAccessLevel | null {
  if (!isMember(viewer) || viewer === null) return null;
  if (isAdmin(viewer)) return 'organizers';
  if (subject.forum === 'network') return isNetworkModerator(viewer) ? 'moderators' : 'members';
  const m = subject.membership;
  if (isActive(m) && m.role === 'organizer') return 'organizers';
  if (isActive(m) && m.role === 'moderator') return 'moderators';
  if (isNetworkModerator(viewer) && canReadGroupContent(viewer, subject.group, m)) return 'moderators';
  return isActive(m) ? 'members' : null;
}

const reaches = (standing: ForumAccessLevel | null, level: ForumAccessLevel): boolean => standing !== null && LEVEL_RANK[standing] >= LEVEL_RANK[level];

/** The forum as a whole: the network's to its members, a group's to whoever may read the group's content. */
export function canReadForum(viewer: MaybeViewer, subject: ForumSubject): boolean {
  return subject.forum === 'network' ? isMember(viewer) : canReadGroupContent(viewer, subject.group, subject.membership);
}

export interface CategoryAccessSubject { read: ForumAccessLevel; start: ForumAccessLevel; reply: ForumAccessLevel }

/** A category (its threads, their posts, its live updates): the forum's readers, or only the level it names. */
export function canReadCategory(viewer: MaybeViewer, subject: ForumSubject, access: CategoryAccessSubject): boolean {
  if (!canReadForum(viewer, subject)) return false;
  return access.read === 'members' || reaches(forumStanding(viewer, subject), access.read);
}

/**
 * Writing in a forum: its participants (a group's active members, the network's verified members)
 * whose standing reaches the category's level. Staff from outside a group moderate its forum but
 * do not debate in it, as on its wall.
 */
function mayWriteAt(viewer: MaybeViewer, subject: ForumSubject, access: CategoryAccessSubject, level: ForumAccessLevel): boolean {
  if (!canReadCategory(viewer, subject, access) || !reaches(forumStanding(viewer, subject), level)) return false;
  return subject.forum === 'network' || isActive(subject.membership);
}

export const canStartThread = (viewer: MaybeViewer, subject: ForumSubject, access: CategoryAccessSubject): boolean =>
  mayWriteAt(viewer, subject, access, access.start);

/** Pin, close, reopen, move threads; delete any post; see edit history. */
export function canModerateForum(viewer: MaybeViewer, subject: ForumSubject): boolean {
  return reaches(forumStanding(viewer, subject), 'moderators');
}

/** Create, rename, order categories and set who may do what in them. */
export function canManageForum(viewer: MaybeViewer, subject: ForumSubject): boolean {
  return reaches(forumStanding(viewer, subject), 'organizers');
}

/** Reply: the category's level; a closed thread takes replies from its moderators only. */
export function canReplyInThread(viewer: MaybeViewer, subject: ForumSubject, access: CategoryAccessSubject, thread: { closed: boolean }): boolean {
  if (!mayWriteAt(viewer, subject, access, access.reply)) return false;
  return !thread.closed || canModerateForum(viewer, subject);
}

/**
 * Moving a thread into a category (or splitting posts off into one): the forum's moderators, into
 * a category they may read and whose threads their standing may start.
 */
export function canMoveThreadTo(viewer: MaybeViewer, subject: ForumSubject, target: CategoryAccessSubject): boolean {
  return canModerateForum(viewer, subject) && canReadCategory(viewer, subject, target) && reaches(forumStanding(viewer, subject), target.start);
}

/** Whether posts readable at `from` would be shown to more readers at `to` (a merge or a split that would expose them). */
export const widensReaders = (from: ForumAccessLevel, to: ForumAccessLevel): boolean => LEVEL_RANK[to] < LEVEL_RANK[from];

/** The campaign team's view of every forum's syntheses (each still shown only where they may read it): network moderators and up. */
export const canReviewSyntheses = (viewer: MaybeViewer): boolean => isMember(viewer) && isNetworkModerator(viewer);

/** "This synthesis represents the debate": the forum's participants who may read the thread. */
export function canEndorseSynthesis(viewer: MaybeViewer, subject: ForumSubject, access: CategoryAccessSubject): boolean {
  return mayWriteAt(viewer, subject, access, 'members');
}

/** A forum post: its author, or the forum's moderators (who may read it). */
export function canDeleteForumPost(viewer: MaybeViewer, authorId: string, subject: ForumSubject): boolean {
  if (viewer === null || !isMember(viewer)) return false;
  return viewer.id === authorId || canModerateForum(viewer, subject);
}

// ── Media ───────────────────────────────────────────────────────────────────────────────────────

export type MediaUse = 'avatar' | 'cover' | 'post' | 'logo' | 'favicon';

/** Upload images: verified members; the network's logo and favicon are the network team's. */
export function canUploadMedia(viewer: MaybeViewer, use: MediaUse): boolean {
  if (!isMember(viewer)) return false;
  return use === 'logo' || use === 'favicon' ? isAdmin(viewer) : true;
}

/** Put an uploaded image to use, change its alt text, discard it: its uploader only. */
export const canUseMedia = (viewer: MaybeViewer, ownerId: string): boolean => isMember(viewer) && viewer?.id === ownerId;

/** Where an image is used, as the policy needs to know it: loaded with the image. */
export type MediaSubject =
  | { use: 'unattached'; ownerId: string }
  | { use: 'branding' }
  | { use: 'avatar'; profile: ProfileSubject }
  | { use: 'cover'; group: GroupSubject; membership: GroupMembershipRow }
  | { use: 'post'; wall: WallSubject; deleted: boolean };

/**
 * An image (every variant of it) goes to whoever may see what it belongs to: a post's image to the
 * readers of its wall (a private or secret group's to those who may read the group), an avatar to
 * those who may see the profile, a cover to those who may see the group; an image not yet put to
 * use to its uploader alone. A deleted post's images to nobody.
 */
export function canReadMedia(viewer: MaybeViewer, subject: MediaSubject): boolean {
  switch (subject.use) {
    case 'unattached': return viewer !== null && viewer.id === subject.ownerId;
    case 'branding': return true;
    case 'avatar': return canViewProfile(viewer, subject.profile);
    case 'cover': return canSeeGroup(viewer, subject.group, subject.membership);
    case 'post': return !subject.deleted && canReadWall(viewer, subject.wall);
  }
}
