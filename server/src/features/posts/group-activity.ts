import { sql } from 'kysely';
import { createCoalescedWrites } from '#core/coalesced-writes.ts';
import type { Db } from '#core/db.ts';

/**
 * A group's post count and last activity, written after the post's own transaction commits.
 * Written inside it, the group's row stayed locked until the commit, and everyone posting in one
 * group at once queued on it (126 posts/s against 218 without, 50 members in one group). Coalesced
 * per group (core/coalesced-writes.ts). A process that dies between a commit and this write leaves
 * a count off by a few: `recountGroupActivity` (hourly housekeeping) sets every count back from
 * the posts themselves.
 */
export interface GroupActivity {
  /** Adds `postDelta` to the group's post count (and, unless it is negative, marks it active now); resolves once written. */
  record(groupId: string, postDelta: number): Promise<void>;
}

interface Change { posts: number; active: boolean }

export function createGroupActivity(db: Db): GroupActivity {
  const writes = createCoalescedWrites<Change>(
    (earlier, later) => ({ posts: earlier.posts + later.posts, active: earlier.active || later.active }),
    async (groupId, change) => {
      await sql`UPDATE groups SET post_count = post_count + ${change.posts},
        last_activity_at = CASE WHEN ${change.active} THEN now() ELSE last_activity_at END
        WHERE id = ${groupId}`.execute(db);
    },
  );
  return { record: (groupId, postDelta) => writes.add(groupId, { posts: postDelta, active: postDelta >= 0 }) };
}

/** Every group's post count and last activity from its posts, where they differ (after a crash between a post and its count). */
export async function recountGroupActivity(db: Db): Promise<number> {
  const result = await sql`
    UPDATE groups g SET post_count = coalesce(c.n, 0), last_activity_at = greatest(g.last_activity_at, c.last)
    FROM groups g2 LEFT JOIN (
      SELECT group_id, count(*)::int AS n, max(created_at) AS last FROM posts WHERE group_id IS NOT NULL AND deleted_at IS NULL GROUP BY group_id
    ) c ON c.group_id = g2.id
    WHERE g.id = g2.id AND g.post_count IS DISTINCT FROM coalesce(c.n, 0)`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
