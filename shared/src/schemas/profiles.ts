import { Type, type Static } from 'typebox';
import { LIMITS, PROFILE_VISIBILITIES } from '../constants.ts';
import { Cursor, DisplayName, Handle, NetworkRole, PageLimit, Timestamp, Uuid, Visibility } from './common.ts';
import { Image } from './media.ts';

export const ProfileLink = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: LIMITS.linkLabelMax }),
    url: Type.String({ minLength: 8, maxLength: LIMITS.urlMax, pattern: '^https?://' }),
  },
  { additionalProperties: false },
);
export type ProfileLink = Static<typeof ProfileLink>;

export const ProfileVisibility = Type.Enum(PROFILE_VISIBILITIES);

/** A profile as a given viewer may see it: hidden fields are absent, not empty. */
export const Profile = Type.Object({
  id: Uuid,
  handle: Type.String(),
  displayName: Type.String(),
  role: NetworkRole,
  joinedAt: Timestamp,
  bioHtml: Type.Optional(Type.String({ description: 'Sanitized HTML rendered from the Markdown bio.' })),
  commune: Type.Optional(Type.String()),
  postalCode: Type.Optional(Type.String()),
  links: Type.Optional(Type.Array(ProfileLink)),
  avatar: Type.Optional(Image),
  isSelf: Type.Boolean(),
});
export type Profile = Static<typeof Profile>;

/** The owner's own view, with raw values and every visibility setting, for the edit page. */
export const ProfileSettings = Type.Object({
  handle: Type.String(),
  displayName: DisplayName,
  bio: Type.String(),
  commune: Type.String(),
  postalCode: Type.String(),
  links: Type.Array(ProfileLink),
  profileVisibility: ProfileVisibility,
  listedInDirectory: Type.Boolean(),
  bioVisibility: Visibility,
  locationVisibility: Visibility,
  linksVisibility: Visibility,
  avatar: Type.Optional(Image),
});
export type ProfileSettings = Static<typeof ProfileSettings>;

export const UpdateProfileBody = Type.Partial(
  Type.Object({
    handle: Handle,
    displayName: DisplayName,
    bio: Type.String({ maxLength: LIMITS.bioMax }),
    commune: Type.String({ maxLength: LIMITS.communeMax }),
    postalCode: Type.String({ pattern: '^([0-9]{5})?$', description: 'A French postal code (5 digits), or empty.' }),
    links: Type.Array(ProfileLink, { maxItems: LIMITS.linksMax }),
    profileVisibility: ProfileVisibility,
    listedInDirectory: Type.Boolean(),
    bioVisibility: Visibility,
    locationVisibility: Visibility,
    linksVisibility: Visibility,
  }),
  { additionalProperties: false },
);
export type UpdateProfileBody = Static<typeof UpdateProfileBody>;

export const HandleParams = Type.Object({ handle: Type.String({ minLength: 1, maxLength: 64 }) });

export const DirectoryQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: LIMITS.searchMax, description: 'Part of a name or handle.' })),
    commune: Type.Optional(Type.String({ maxLength: LIMITS.communeMax, description: 'Commune name or postal code.' })),
    cursor: Type.Optional(Cursor),
    limit: Type.Optional(PageLimit),
  },
  { additionalProperties: false },
);
export type DirectoryQuery = Static<typeof DirectoryQuery>;

export const DirectoryEntry = Type.Object({
  handle: Type.String(),
  displayName: Type.String(),
  commune: Type.Optional(Type.String()),
  avatar: Type.Optional(Image),
});
export type DirectoryEntry = Static<typeof DirectoryEntry>;

export const DirectoryPage = Type.Object({
  members: Type.Array(DirectoryEntry),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type DirectoryPage = Static<typeof DirectoryPage>;
