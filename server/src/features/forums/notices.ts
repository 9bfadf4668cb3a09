import type { DbOrTx } from '#core/db.ts';
import { canReadCategory, type CategoryAccessSubject, type Viewer } from '#core/policy.ts';
import type { NotificationInput } from '#features/notifications/notify.ts';
import type { ForumContext } from './scope.ts';

// Who hears of a new forum post: the members it mentions (forum_mention) and those who watch its
// thread (forum_reply), each only if they may read the thread now; a member who muted the thread
// hears nothing of it. One query for all of them, whatever their number.

export async function forumNotices(
  db: DbOrTx,
  where: { forum: ForumContext; access: CategoryAccessSubject; threadId: string; postId: string },
  mentionedIds: readonly string[],
  authorId: string,
): Promise<NotificationInput[]> {
  const { forum, access, threadId, postId } = where;
  const watchers = await db.selectFrom('forum_read_state').select('member_id').where('thread_id', '=', threadId).where('level', '=', 'watching').execute();
  const candidates = [...new Set([...mentionedIds, ...watchers.map((row) => row.member_id)])].filter((id) => id !== authorId);
  if (candidates.length === 0) return [];
  const rows = await db
    .selectFrom('members as m')
    .leftJoin('group_members as gm', (join) => join.onRef('gm.member_id', '=', 'm.id').on('gm.group_id', '=', forum.groupId ?? '00000000-0000-0000-0000-000000000000'))
    .leftJoin('forum_read_state as rs', (join) => join.onRef('rs.member_id', '=', 'm.id').on('rs.thread_id', '=', threadId))
    .select(['m.id', 'm.role', 'm.email_verified_at', 'gm.state', 'gm.role as group_role', 'rs.level'])
    .where('m.id', 'in', candidates)
    .execute();
  const readers = new Set(rows.filter((row) => {
    if (row.level === 'muted') return false;
    const viewer: Viewer = { id: row.id, role: row.role, emailVerified: row.email_verified_at !== null };
    const subject = forum.subject.forum === 'group'
      ? { ...forum.subject, membership: row.state && row.group_role ? { state: row.state, role: row.group_role } : null }
      : forum.subject;
    return canReadCategory(viewer, subject, access);
  }).map((row) => row.id));
  const base = { actorId: authorId, threadId, forumPostId: postId, ...(forum.groupId ? { groupId: forum.groupId } : {}) };
  // A mention first: one act notifies a member once, and being named says more than a new reply.
  return [
    ...mentionedIds.filter((id) => readers.has(id)).map((recipientId) => ({ ...base, recipientId, kind: 'forum_mention' as const })),
    ...watchers.filter((row) => readers.has(row.member_id)).map((row) => ({ ...base, recipientId: row.member_id, kind: 'forum_reply' as const })),
  ];
}
