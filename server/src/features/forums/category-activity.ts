import { sql } from 'kysely';
import { createCoalescedWrites } from '#core/coalesced-writes.ts';
import type { Db } from '#core/db.ts';

/**
 * A category's thread and post counts and last activity, written after the post's transaction
 * commits, coalesced per category (core/coalesced-writes.ts): every reply in a category would
 * otherwise queue on its row. `recountCategoryActivity` (hourly housekeeping) repairs what a
 * process dying in between left off.
 */
export interface CategoryActivity {
  record(categoryId: string, change: { threads: number; posts: number }): Promise<void>;
}

interface Change { threads: number; posts: number; active: boolean }

export function createCategoryActivity(db: Db): CategoryActivity {
  const writes = createCoalescedWrites<Change>(
    (earlier, later) => ({ threads: earlier.threads + later.threads, posts: earlier.posts + later.posts, active: earlier.active || later.active }),
    async (categoryId, change) => {
      await sql`UPDATE forum_categories SET thread_count = thread_count + ${change.threads}, post_count = post_count + ${change.posts},
        last_activity_at = CASE WHEN ${change.active} THEN now() ELSE last_activity_at END
        WHERE id = ${categoryId}`.execute(db);
    },
  );
  return { record: (categoryId, change) => writes.add(categoryId, { ...change, active: change.posts > 0 }) };
}

/** Every category's counts from its threads and posts, where they differ. */
export async function recountCategoryActivity(db: Db): Promise<number> {
  const result = await sql`
    UPDATE forum_categories c SET thread_count = coalesce(n.threads, 0), post_count = coalesce(n.posts, 0),
      last_activity_at = greatest(c.last_activity_at, n.last)
    FROM forum_categories c2 LEFT JOIN (
      SELECT t.category_id, count(*)::int AS threads, (sum(t.post_count) - coalesce(sum(d.n), 0))::int AS posts, max(t.last_post_at) AS last
      FROM forum_threads t
      LEFT JOIN (SELECT thread_id, count(*) AS n FROM forum_posts WHERE deleted_at IS NOT NULL GROUP BY thread_id) d ON d.thread_id = t.id
      WHERE t.deleted_at IS NULL
      GROUP BY t.category_id
    ) n ON n.category_id = c2.id
    WHERE c.id = c2.id AND (c.thread_count, c.post_count) IS DISTINCT FROM (coalesce(n.threads, 0), coalesce(n.posts, 0))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
