import { LIMITS, NOTIFICATION_KINDS } from '@caucus/shared/constants.ts';
import type { NotificationPage, NotificationPreferences, NotificationsQuery, UnreadCount } from '@caucus/shared/schemas/notifications.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import type { Db } from '#core/db.ts';
import { fieldError, notFound } from '#core/errors.ts';
import { rooms, type EventBus } from '#core/events.ts';
import type { Viewer } from '#core/policy.ts';
import { DEFAULT_PREFERENCES } from './notify.ts';
import { presentNotification } from './present.ts';
import * as q from './queries.ts';

export function createNotificationsService(deps: { db: Db; events: EventBus }) {
  const { db, events } = deps;

  /** Every open page of the member moves its badge. */
  const announceRead = (memberId: string, unreadCount: number) => events.publish('notifications.read', { unreadCount }, [rooms.user(memberId)]);

  return {
    async list(viewer: Viewer, query: NotificationsQuery): Promise<NotificationPage> {
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const [rows, unreadCount] = await Promise.all([
        q.notificationsPage(db, viewer.id, { unread: query.unread ?? false, after, limit }),
        q.unreadCount(db, viewer.id),
      ]);
      const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.id]);
      return { notifications: items.map(presentNotification), unreadCount, nextCursor };
    },

    /** Only the member's own notification; anyone else's answers as if it did not exist. */
    async markRead(viewer: Viewer, id: string): Promise<UnreadCount> {
      if (!(await q.markRead(db, viewer.id, id))) throw notFound('This notification');
      const unreadCount = await q.unreadCount(db, viewer.id);
      announceRead(viewer.id, unreadCount);
      return { unreadCount };
    },

    async markAllRead(viewer: Viewer): Promise<UnreadCount> {
      await q.markAllRead(db, viewer.id);
      // Counted again: one may have arrived in between.
      const unreadCount = await q.unreadCount(db, viewer.id);
      announceRead(viewer.id, unreadCount);
      return { unreadCount };
    },

    async preferences(viewer: Viewer): Promise<NotificationPreferences> {
      const chosen = new Map((await q.findPreferences(db, viewer.id)).map((row) => [row.kind, { inApp: row.in_app, email: row.email }]));
      return { preferences: NOTIFICATION_KINDS.map((kind) => ({ kind, ...(chosen.get(kind) ?? DEFAULT_PREFERENCES[kind]) })) };
    },

    /** Saves the kinds sent; e-mail is only ever on for a kind also on in the app. */
    async updatePreferences(viewer: Viewer, body: NotificationPreferences): Promise<NotificationPreferences> {
      const kinds = body.preferences.map((p) => p.kind);
      const repeated = kinds.find((kind, index) => kinds.indexOf(kind) !== index);
      if (repeated) throw fieldError(400, 'preferences', 'invalid_input', `"${repeated}" appears twice: send each kind once`);
      await q.savePreferences(db, viewer.id, body.preferences.map((p) => ({ kind: p.kind, inApp: p.inApp, email: p.inApp && p.email })));
      return this.preferences(viewer);
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
