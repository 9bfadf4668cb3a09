import { Type, type Static } from 'typebox';
import { GROUP_CREATION_POLICIES, LIMITS } from '../constants.ts';
import { DisplayName, Email, Handle, NetworkRole, Password, Uuid } from './common.ts';
import { Image } from './media.ts';

export const HexColor = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: 'A colour as #rrggbb.' });

export const NetworkInfo = Type.Object({
  name: Type.String(),
  tagline: Type.String(),
  colors: Type.Object({ primary: HexColor, accent: HexColor }),
  setupRequired: Type.Boolean({ description: 'True until the first-run wizard has created the owner.' }),
  privacyPolicyVersion: Type.String(),
  groupCreation: Type.Enum(GROUP_CREATION_POLICIES, { description: 'Who may create groups: `members` (any verified member) or `admins`.' }),
  logo: Type.Optional(Image),
  favicon: Type.Optional(Image),
});
export type NetworkInfo = Static<typeof NetworkInfo>;

export const SetupBody = Type.Object(
  {
    networkName: Type.String({ minLength: 1, maxLength: LIMITS.networkNameMax }),
    tagline: Type.String({ maxLength: LIMITS.taglineMax }),
    email: Email,
    password: Password,
    displayName: DisplayName,
    handle: Handle,
    acceptPrivacyPolicy: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SetupBody = Static<typeof SetupBody>;

export const BrandingBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.networkNameMax })),
    tagline: Type.Optional(Type.String({ maxLength: LIMITS.taglineMax })),
    primaryColor: Type.Optional(HexColor),
    accentColor: Type.Optional(HexColor),
    groupCreation: Type.Optional(Type.Enum(GROUP_CREATION_POLICIES, { description: 'Who may create groups: `members` or `admins`.' })),
  },
  { additionalProperties: false },
);
export type BrandingBody = Static<typeof BrandingBody>;

/** Who is signed in, as every page needs it: from the session itself, at no extra cost. */
export const Viewer = Type.Object({
  id: Uuid,
  handle: Type.String(),
  displayName: Type.String(),
  role: NetworkRole,
  emailVerified: Type.Boolean(),
  handleChosen: Type.Boolean({ description: 'False until the member has chosen a handle; the web sends them to choose it.' }),
  unreadNotifications: Type.Integer({ minimum: 0, description: "The header badge: the viewer's unread notifications." }),
  avatar: Type.Optional(Image),
});
export type Viewer = Static<typeof Viewer>;

/** What a page needs on every request, in one call: the network and the signed-in member (or null). */
export const PageContext = Type.Object({ network: NetworkInfo, viewer: Type.Union([Viewer, Type.Null()]) });
export type PageContext = Static<typeof PageContext>;
