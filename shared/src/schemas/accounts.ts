import { Type, type Static } from 'typebox';
import { DisplayName, Email, Handle, NetworkRole, Password, Timestamp, Uuid } from './common.ts';

// No handle here: an answer about a handle would tell anyone who is a member. The member chooses
// it once signed in, with ChooseHandleBody.
export const SignupBody = Type.Object(
  { email: Email, password: Password, displayName: DisplayName, acceptPrivacyPolicy: Type.Boolean() },
  { additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBody>;

export const ChooseHandleBody = Type.Object({ handle: Handle }, { additionalProperties: false });
export type ChooseHandleBody = Static<typeof ChooseHandleBody>;

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const TokenBody = Type.Object({ token: Type.String({ minLength: 10, maxLength: 200 }) }, { additionalProperties: false });
export type TokenBody = Static<typeof TokenBody>;

export const EmailBody = Type.Object({ email: Email }, { additionalProperties: false });
export type EmailBody = Static<typeof EmailBody>;

export const ResetPasswordBody = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 200 }), password: Password },
  { additionalProperties: false },
);
export type ResetPasswordBody = Static<typeof ResetPasswordBody>;

export const ChangePasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const ChangeEmailBody = Type.Object(
  { newEmail: Email, currentPassword: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type ChangeEmailBody = Static<typeof ChangeEmailBody>;

/** The signed-in member, as the member sees themself. */
export const Me = Type.Object({
  id: Uuid,
  email: Type.String(),
  emailVerified: Type.Boolean(),
  pendingEmail: Type.Union([Type.String(), Type.Null()]),
  handle: Type.String(),
  handleChosen: Type.Boolean({ description: 'False while the member has the provisional handle given at sign-up: they must choose one.' }),
  displayName: Type.String(),
  role: NetworkRole,
  createdAt: Timestamp,
});
export type Me = Static<typeof Me>;

export const SessionInfo = Type.Object({
  id: Type.String({ description: 'A public id for the session (not its token).' }),
  device: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  current: Type.Boolean(),
});
export type SessionInfo = Static<typeof SessionInfo>;

export const SessionList = Type.Object({ sessions: Type.Array(SessionInfo) });
export type SessionList = Static<typeof SessionList>;

export const SessionParams = Type.Object({ sessionId: Type.String({ minLength: 1, maxLength: 100 }) });
