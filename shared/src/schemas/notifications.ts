import { Type, type Static } from 'typebox';
import { NOTIFICATION_KINDS } from '../constants.ts';
import { Cursor, PageLimit, Timestamp, Uuid } from './common.ts';
import { Author } from './posts.ts';

export const NotificationKind = Type.Enum(NOTIFICATION_KINDS);

export const Notification = Type.Object({
  id: Uuid,
  kind: NotificationKind,
  /** The latest person behind it; `actorCount` says how many in all (grouped reactions). */
  actor: Type.Union([Author, Type.Null()]),
  actorCount: Type.Integer(),
  group: Type.Union([Type.Object({ slug: Type.String(), name: Type.String() }), Type.Null()]),
  postId: Type.Union([Uuid, Type.Null()]),
  commentId: Type.Union([Uuid, Type.Null()]),
  /** A forum notification's thread and the number of the post concerned (null when no longer readable). */
  thread: Type.Optional(Type.Union([Type.Object({ id: Uuid, title: Type.String(), position: Type.Integer() }), Type.Null()])),
  /** A short plain-text excerpt of the post or comment concerned. */
  excerpt: Type.String(),
  read: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Notification = Static<typeof Notification>;

export const NotificationsQuery = Type.Object({ unread: Type.Optional(Type.Boolean()), cursor: Type.Optional(Cursor), limit: Type.Optional(PageLimit) });
export type NotificationsQuery = Static<typeof NotificationsQuery>;
export const NotificationPage = Type.Object({ notifications: Type.Array(Notification), unreadCount: Type.Integer(), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export type NotificationPage = Static<typeof NotificationPage>;
export const UnreadCount = Type.Object({ unreadCount: Type.Integer() });
export type UnreadCount = Static<typeof UnreadCount>;
export const NotificationParams = Type.Object({ id: Uuid });
export type NotificationParams = Static<typeof NotificationParams>;

export const NotificationPreference = Type.Object({ kind: NotificationKind, inApp: Type.Boolean(), email: Type.Boolean() }, { additionalProperties: false });
export type NotificationPreference = Static<typeof NotificationPreference>;
/** GET answers every kind; PUT may send only the kinds that change (the others stay as they are). E-mail needs the app: `inApp: false` turns e-mail off too. */
export const NotificationPreferences = Type.Object({ preferences: Type.Array(NotificationPreference, { maxItems: NOTIFICATION_KINDS.length }) }, { additionalProperties: false });
export type NotificationPreferences = Static<typeof NotificationPreferences>;
