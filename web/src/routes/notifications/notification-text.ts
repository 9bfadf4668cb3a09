import type { Notification } from '@caucus/shared/schemas/notifications.ts';
import { m } from '#lib/paraglide/messages.js';

/** "Léa et 3 autres ont réagi à votre publication": one sentence per kind, grouped reactions counted. */
export function notificationText(notification: Notification): string {
  const name = notification.actor?.displayName ?? m.notif_someone();
  const group = notification.group?.name ?? m.notif_a_group();
  const others = Math.max(notification.actorCount - 1, 0);
  switch (notification.kind) {
    case 'mention':
      return m.notif_mention({ name });
    case 'comment':
      return others > 0 ? m.notif_comment_many({ name, count: others }) : m.notif_comment({ name });
    case 'reply':
      return others > 0 ? m.notif_reply_many({ name, count: others }) : m.notif_reply({ name });
    case 'reaction':
      return others > 0 ? m.notif_reaction_many({ name, count: others }) : m.notif_reaction({ name });
    case 'join_request':
      return others > 0 ? m.notif_join_request_many({ name, count: others, group }) : m.notif_join_request({ name, group });
    case 'request_approved':
      return m.notif_request_approved({ group });
    case 'invitation':
      return m.notif_invitation({ name, group });
    case 'forum_reply':
      return m.notif_forum_reply({ name, thread: notification.thread?.title ?? m.notif_a_thread() });
    case 'forum_mention':
      return m.notif_forum_mention({ name, thread: notification.thread?.title ?? m.notif_a_thread() });
  }
}
