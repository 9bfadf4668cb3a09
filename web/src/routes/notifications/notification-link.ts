import type { Notification } from '@caucus/shared/schemas/notifications.ts';

/** Where a notification leads: the forum post, the post (at the comment), or the group (its requests, for organizers). */
export function notificationHref(notification: Notification): string | null {
  if (notification.thread) return `/threads/${notification.thread.id}?at=${notification.thread.position}#p-${notification.thread.position}`;
  if (notification.postId) return `/posts/${notification.postId}${notification.commentId ? `#comment-${notification.commentId}` : ''}`;
  if (!notification.group) return null;
  if (notification.kind === 'join_request') return `/groups/${notification.group.slug}/members`;
  return `/groups/${notification.group.slug}`;
}

export const NOTIFICATION_ICONS: Record<Notification['kind'], string> = {
  mention: '@',
  comment: '💬',
  reply: '↩',
  reaction: '👍',
  join_request: '🙋',
  request_approved: '✅',
  invitation: '✉️',
  forum_reply: '↩',
  forum_mention: '@',
};
