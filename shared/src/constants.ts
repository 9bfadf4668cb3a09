export const NETWORK_ROLES = ['owner', 'admin', 'moderator', 'member'] as const;
export type NetworkRole = (typeof NETWORK_ROLES)[number];

/** Who may see an optional profile field. */
export const FIELD_VISIBILITIES = ['public', 'members', 'private'] as const;
export type FieldVisibility = (typeof FIELD_VISIBILITIES)[number];

/** A profile page is for members unless its owner opens it to everyone. */
export const PROFILE_VISIBILITIES = ['public', 'members'] as const;

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
} as const;

export const SESSION_COOKIE = 'caucus_session';
export const LOCALE_COOKIE = 'PARAGLIDE_LOCALE';
/** The version of the privacy policy a member consents to at sign-up. */
export const PRIVACY_POLICY_VERSION = '2026-11-01';
