import { Type, type Static } from 'typebox';
import { Cursor, NetworkRole, PageLimit, Timestamp, Uuid } from './common.ts';
import { Image } from './media.ts';
import { LIMITS } from '../constants.ts';

export const AdminMember = Type.Object({
  id: Uuid,
  handle: Type.String(),
  displayName: Type.String(),
  email: Type.String(),
  emailVerified: Type.Boolean(),
  role: NetworkRole,
  createdAt: Timestamp,
  avatar: Type.Optional(Image),
});
export type AdminMember = Static<typeof AdminMember>;

export const AdminMemberQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: LIMITS.searchMax })), cursor: Type.Optional(Cursor), limit: Type.Optional(PageLimit) },
  { additionalProperties: false },
);
export type AdminMemberQuery = Static<typeof AdminMemberQuery>;

export const AdminMemberPage = Type.Object({ members: Type.Array(AdminMember), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export type AdminMemberPage = Static<typeof AdminMemberPage>;

export const MemberIdParams = Type.Object({ memberId: Uuid });
export const ChangeRoleBody = Type.Object({ role: NetworkRole }, { additionalProperties: false });
export type ChangeRoleBody = Static<typeof ChangeRoleBody>;

export const OutboxMail = Type.Object({
  id: Uuid,
  to: Type.String(),
  subject: Type.String(),
  text: Type.String(),
  createdAt: Timestamp,
});
export type OutboxMail = Static<typeof OutboxMail>;

export const OutboxQuery = Type.Object(
  { to: Type.Optional(Type.String({ maxLength: LIMITS.emailMax })), cursor: Type.Optional(Cursor), limit: Type.Optional(PageLimit) },
  { additionalProperties: false },
);
export type OutboxQuery = Static<typeof OutboxQuery>;
export const OutboxPage = Type.Object({ mails: Type.Array(OutboxMail), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export type OutboxPage = Static<typeof OutboxPage>;
