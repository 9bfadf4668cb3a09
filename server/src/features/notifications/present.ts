import sanitizeHtml from 'sanitize-html';
import type { GroupMemberState, GroupRole, NotificationKind } from '@caucus/shared/constants.ts';
import type { Notification } from '@caucus/shared/schemas/notifications.ts';
import { canReadCategory, canReadGroupContent, canSeeGroup, type ForumSubject, type GroupMembershipRow, type Viewer } from '#core/policy.ts';
import type { NotificationRow } from './queries.ts';

export const EXCERPT_LENGTH = 140;

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

/** The start of a sanitized body as plain text: tags gone, entities decoded, one line, cut at a word. */
export function plainExcerpt(html: string | null, length = EXCERPT_LENGTH): string {
  if (!html) return '';
  const text = sanitizeHtml(html.replace(/<(br|\/p|\/li|\/blockquote|\/pre)\b[^>]*>/gi, ' $&'), { allowedTags: [], allowedAttributes: {} })
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= length) return text;
  const cut = text.slice(0, length);
  const space = cut.lastIndexOf(' ');
  return `${(space > length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const iso = (value: Date | string) => new Date(value).toISOString();

export const recipientOf = (row: NotificationRow): Viewer => ({ id: row.recipient_id, role: row.recipient_role, emailVerified: row.recipient_verified_at !== null });

/**
 * What the recipient may still see of a notification's group and text, asked of the policy now
 * (they may have left, been banned, or the group turned secret since it was stored).
 */
export function visibleParts(row: NotificationRow): { group: boolean; content: boolean } {
  const viewer = recipientOf(row);
  const membership: GroupMembershipRow = row.membership_state ? { state: row.membership_state as GroupMemberState, role: row.membership_role as GroupRole } : null;
  // A forum's notification: its thread's category decides, as for reading the thread (fail closed).
  if (row.thread_id) {
    if (!row.category_read_access || row.forum_gone) return { group: row.group_id === null || (row.group_visibility !== null && canSeeGroup(viewer, { visibility: row.group_visibility }, membership)), content: false };
    const subject: ForumSubject = row.group_id && row.group_visibility
      ? { forum: 'group', group: { visibility: row.group_visibility }, membership }
      : { forum: 'network' };
    const readable = canReadCategory(viewer, subject, { read: row.category_read_access, start: 'members', reply: 'members' });
    return { group: subject.forum === 'network' || canSeeGroup(viewer, { visibility: row.group_visibility! }, membership), content: readable };
  }
  if (!row.group_id || !row.group_visibility) return { group: true, content: true };
  const group = { visibility: row.group_visibility };
  return { group: canSeeGroup(viewer, group, membership), content: canReadGroupContent(viewer, group, membership) };
}

/** The JSON of a loaded notification, for its recipient alone; what they may no longer read is left out. */
export function presentNotification(row: NotificationRow): Notification {
  const visible = visibleParts(row);
  return {
    id: row.id,
    kind: row.kind as NotificationKind,
    actor: row.actor_id && row.actor_handle && row.actor_display_name !== null ? { id: row.actor_id, handle: row.actor_handle, displayName: row.actor_display_name } : null,
    actorCount: row.actor_count,
    group: visible.group && row.group_slug && row.group_name !== null ? { slug: row.group_slug, name: row.group_name } : null,
    postId: visible.content ? row.post_id : null,
    commentId: visible.content ? row.comment_id : null,
    ...(row.thread_id ? { thread: visible.content && row.thread_title !== null && row.forum_post_position !== null ? { id: row.thread_id, title: row.thread_title, position: row.forum_post_position } : null } : {}),
    excerpt: visible.content ? plainExcerpt(row.source_html) : '',
    read: row.read_at !== null,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}
