import { Type, type Static } from 'typebox';
import { GROUP_CREATION_POLICIES, GROUP_MEMBER_STATES, GROUP_ROLES, GROUP_VISIBILITIES, LIMITS, TERRITORY_KINDS } from '../constants.ts';
import { Cursor, Email, Handle, PageLimit, Timestamp, Uuid } from './common.ts';
import { Image } from './media.ts';

export const GroupVisibility = Type.Enum(GROUP_VISIBILITIES, {
  description: '`public`: anyone sees it and its content, members join at once. `private`: anyone sees that it exists, content is for members, joining is a request. `secret`: invisible to non-members, invitation only.',
});
export const GroupRole = Type.Enum(GROUP_ROLES);
export const GroupMemberState = Type.Enum(GROUP_MEMBER_STATES);
export const TerritoryKind = Type.Enum(TERRITORY_KINDS);
export const GroupCreationPolicy = Type.Enum(GROUP_CREATION_POLICIES);

export const Slug = Type.String({
  minLength: 3,
  maxLength: LIMITS.groupSlugMax,
  pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$',
  description: 'Lower-case letters, digits and single hyphens; unique.',
});
export const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: LIMITS.groupSlugMax }) });
export const GroupMemberParams = Type.Object({
  slug: Type.String({ minLength: 1, maxLength: LIMITS.groupSlugMax }),
  handle: Type.String({ minLength: 1, maxLength: LIMITS.handleMax }),
});

/** A place from the official reference (@etalab/decoupage-administratif). */
export const Territory = Type.Object({
  kind: TerritoryKind,
  code: Type.String({ description: 'INSEE code: commune (e.g. `69123`), department (`69`), region (`84`).' }),
  name: Type.String(),
  /** For a commune: its department's code and postal codes, to tell homonyms apart. */
  departmentCode: Type.Optional(Type.String()),
  postalCodes: Type.Optional(Type.Array(Type.String())),
});
export type Territory = Static<typeof Territory>;

export const TerritoryRef = Type.Object(
  { kind: TerritoryKind, code: Type.String({ minLength: 2, maxLength: 5, pattern: '^[0-9AB]{2,5}$' }) },
  { additionalProperties: false },
);
export type TerritoryRef = Static<typeof TerritoryRef>;

export const TerritorySearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: LIMITS.searchMax, description: 'A commune, department or region name, or a postal code.' }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
});
export const TerritoryList = Type.Object({ territories: Type.Array(Territory) });
export type TerritoryList = Static<typeof TerritoryList>;

/** What the viewer is to the group and may do there: every flag comes from the policy module. */
export const GroupViewerState = Type.Object({
  state: Type.Union([GroupMemberState, Type.Null()]),
  role: Type.Union([GroupRole, Type.Null()]),
  canReadContent: Type.Boolean(),
  canPost: Type.Boolean(),
  canModerate: Type.Boolean({ description: 'Approve requests, invite, remove or ban members.' }),
  canManage: Type.Boolean({ description: 'Edit the group and change roles.' }),
  /** `join`: at once; `request`: an organizer approves; null: not possible (member, banned, secret, visitor). */
  joinMode: Type.Union([Type.Literal('join'), Type.Literal('request'), Type.Null()]),
});
export type GroupViewerState = Static<typeof GroupViewerState>;

export const GroupSummary = Type.Object({
  id: Uuid,
  slug: Type.String(),
  name: Type.String(),
  visibility: GroupVisibility,
  territory: Type.Union([Territory, Type.Null()]),
  memberCount: Type.Integer(),
  postCount: Type.Integer(),
  lastActivityAt: Timestamp,
  /** The first words of the description, as plain text. */
  excerpt: Type.String(),
});
export type GroupSummary = Static<typeof GroupSummary>;

export const Group = Type.Object({
  ...GroupSummary.properties,
  descriptionHtml: Type.String({ description: 'Sanitized HTML rendered from the Markdown description.' }),
  createdAt: Timestamp,
  cover: Type.Optional(Image),
  viewer: GroupViewerState,
});
export type Group = Static<typeof Group>;

/** The raw fields, for the edit form (organizers and admins). */
export const GroupSettings = Type.Object({
  name: Type.String(),
  slug: Type.String(),
  description: Type.String(),
  visibility: GroupVisibility,
  territory: Type.Union([Territory, Type.Null()]),
});
export type GroupSettings = Static<typeof GroupSettings>;

const GroupName = Type.String({ minLength: LIMITS.groupNameMin, maxLength: LIMITS.groupNameMax });
const GroupDescription = Type.String({ maxLength: LIMITS.groupDescriptionMax, description: 'Markdown subset.' });

export const CreateGroupBody = Type.Object(
  {
    name: GroupName,
    slug: Type.Optional(Slug),
    description: Type.Optional(GroupDescription),
    visibility: GroupVisibility,
    territory: Type.Optional(Type.Union([TerritoryRef, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CreateGroupBody = Static<typeof CreateGroupBody>;

export const UpdateGroupBody = Type.Object(
  {
    name: Type.Optional(GroupName),
    description: Type.Optional(GroupDescription),
    visibility: Type.Optional(GroupVisibility),
    territory: Type.Optional(Type.Union([TerritoryRef, Type.Null()])),
  },
  { additionalProperties: false },
);
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;

export const GroupDirectoryQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: LIMITS.searchMax, description: 'Part of the group name.' })),
  territory: Type.Optional(Type.String({ maxLength: 5, pattern: '^[0-9ABab]{2,5}$', description: 'A commune, department or region code: groups of that place and inside it (a commune in its department, a department in its region).' })),
  territoryKind: Type.Optional(Type.Enum(TERRITORY_KINDS, { description: 'What `territory` is. Without it, 5 characters is a commune, else a department (region codes overlap department codes: `11` is Aude, so pass `region` for Île-de-France).' })),
  near: Type.Optional(Type.String({ maxLength: LIMITS.communeMax, description: 'A postal code or commune name: groups of that commune and of its department (its other communes too), and its region\'s own groups.' })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(PageLimit),
});
export type GroupDirectoryQuery = Static<typeof GroupDirectoryQuery>;

export const GroupPage = Type.Object({
  groups: Type.Array(GroupSummary),
  /** With `near`: the place understood, so the page can say "near Lyon (69)". */
  near: Type.Optional(Type.Union([Territory, Type.Null()])),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type GroupPage = Static<typeof GroupPage>;

/** A member's public groups, on their profile. */
export const GroupList = Type.Object({ groups: Type.Array(GroupSummary) });
export type GroupList = Static<typeof GroupList>;

/** A member's groups, with their state in each (only for themselves: pending and invited too). */
export const MyGroup = Type.Object({ group: GroupSummary, state: GroupMemberState, role: GroupRole });
export const MyGroupList = Type.Object({ groups: Type.Array(MyGroup) });
export type MyGroup = Static<typeof MyGroup>;
export type MyGroupList = Static<typeof MyGroupList>;

export const GroupMember = Type.Object({
  id: Uuid,
  handle: Type.String(),
  displayName: Type.String(),
  state: GroupMemberState,
  role: GroupRole,
  since: Timestamp,
});
export type GroupMember = Static<typeof GroupMember>;

export const GroupMembersQuery = Type.Object({
  state: Type.Optional(Type.Enum(GROUP_MEMBER_STATES, { description: '`active` for everyone who may read the group; the others for its moderators.' })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(PageLimit),
});
export type GroupMembersQuery = Static<typeof GroupMembersQuery>;
export const GroupMemberPage = Type.Object({ members: Type.Array(GroupMember), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export type GroupMemberPage = Static<typeof GroupMemberPage>;

export const Membership = Type.Object({ state: GroupMemberState, role: GroupRole });
export type Membership = Static<typeof Membership>;

export const ChangeGroupRoleBody = Type.Object({ role: GroupRole }, { additionalProperties: false });
export type ChangeGroupRoleBody = Static<typeof ChangeGroupRoleBody>;

/** Invite a member by handle, or anyone by e-mail (a link that survives sign-up). */
export const InviteBody = Type.Union([
  Type.Object({ handle: Handle }, { additionalProperties: false }),
  Type.Object({ email: Email }, { additionalProperties: false }),
]);
export type InviteBody = Static<typeof InviteBody>;

export const InvitationParams = Type.Object({ token: Type.String({ minLength: 10, maxLength: 100, pattern: '^[a-z0-9]+$' }) });
export const InvitationInfo = Type.Object({ group: GroupSummary, invitedBy: Type.Union([Type.String(), Type.Null()]), expiresAt: Timestamp });
export type InvitationInfo = Static<typeof InvitationInfo>;

export const GroupCreationSetting = Type.Object({ groupCreation: GroupCreationPolicy });
