import { sql, type Insertable, type Selectable, type Updateable } from 'kysely';
import type { ForumCategoriesTable } from '#core/database.ts';
import type { DbOrTx } from '#core/db.ts';
import { newId } from '#core/ids.ts';
import type { ScopeColumns } from './scope.ts';

// The forums' writes, and the few small reads that serve them.

export type CategoryTableRow = Selectable<ForumCategoriesTable>;

export async function insertCategory(db: DbOrTx, row: Insertable<ForumCategoriesTable>): Promise<CategoryTableRow> {
  return db.insertInto('forum_categories').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateCategory(db: DbOrTx, id: string, changes: Updateable<ForumCategoriesTable>): Promise<CategoryTableRow> {
  return db.updateTable('forum_categories').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** A category with its forum's group and the viewer's row in it. */
export async function categoryWithScope(db: DbOrTx, id: string, viewerId: string): Promise<(CategoryTableRow & ScopeColumns) | undefined> {
  return db
    .selectFrom('forum_categories as c')
    .leftJoin('groups as g', 'g.id', 'c.group_id')
    .leftJoin('group_members as gm', (join) => join.onRef('gm.group_id', '=', 'c.group_id').on('gm.member_id', '=', viewerId))
    .selectAll('c')
    .select(['g.slug as g_slug', 'g.name as g_name', 'g.visibility as g_visibility', 'gm.state as gm_state', 'gm.role as gm_role'])
    .where('c.id', '=', id)
    .executeTakeFirst();
}

/** A new thread and its opening post (position 1), and the author's reading position on it. */
export async function insertThread(db: DbOrTx, thread: { id: string; categoryId: string; groupId: string | null; authorId: string; title: string }, post: { id: string; body: string; html: string }): Promise<void> {
  await db.insertInto('forum_threads').values({
    id: thread.id, category_id: thread.categoryId, group_id: thread.groupId, author_id: thread.authorId, title: thread.title, last_poster_id: thread.authorId,
  }).execute();
  await db.insertInto('forum_posts').values({ id: post.id, thread_id: thread.id, position: 1, author_id: thread.authorId, body: post.body, body_html: post.html }).execute();
  await markRead(db, thread.authorId, thread.id, 1, 'watching');
}

/**
 * A reply's number: the thread's count goes up by one under its row lock, held to the commit, so
 * numbers follow the order of commits with no gap and no repeat. Returns null when the thread is
 * gone; `closed` is read under the same lock.
 */
export async function takeNextPosition(db: DbOrTx, threadId: string, authorId: string)
  : Promise<{ position: number; closed: boolean; archived: boolean; slowModeSeconds: number | null; lastPostAt: Date } | null> {
  const row = await sql<{ post_count: number; closed_at: Date | null; archived_at: Date | null; slow_mode_seconds: number | null; last_post_at: Date }>`
    UPDATE forum_threads SET post_count = post_count + 1, last_post_at = now(), last_poster_id = ${authorId}
    WHERE id = ${threadId} AND deleted_at IS NULL
    RETURNING post_count, closed_at, archived_at, slow_mode_seconds, last_post_at`.execute(db);
  const first = row.rows[0];
  return first
    ? { position: first.post_count, closed: first.closed_at !== null, archived: first.archived_at !== null, slowModeSeconds: first.slow_mode_seconds, lastPostAt: first.last_post_at }
    : null;
}

/** Whether the member posted in the thread within the last `seconds` (slow mode; forum_posts_thread_author_idx). */
export async function repliedWithin(db: DbOrTx, threadId: string, authorId: string, seconds: number): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM forum_posts WHERE thread_id = ${threadId} AND author_id = ${authorId}
    AND created_at > now() - make_interval(secs => ${seconds}) LIMIT 1`.execute(db);
  return rows.length > 0;
}

/** The id of the post at this position of the thread, if it exists and is not deleted. */
export async function livePostAt(db: DbOrTx, threadId: string, position: number): Promise<string | undefined> {
  const row = await db.selectFrom('forum_posts').select('id').where('thread_id', '=', threadId).where('position', '=', position).where('deleted_at', 'is', null).executeTakeFirst();
  return row?.id;
}

export async function insertReply(db: DbOrTx, reply: { id: string; threadId: string; position: number; authorId: string; body: string; html: string; quoteOf: string | null }): Promise<void> {
  await db.insertInto('forum_posts').values({
    id: reply.id, thread_id: reply.threadId, position: reply.position, author_id: reply.authorId, body: reply.body, body_html: reply.html, quote_of: reply.quoteOf,
  }).execute();
}

/**
 * Moves a member's reading position forward (never back), up to the thread's last post; `level`
 * sets how they follow the thread unless they chose already (a new thread's author watches it,
 * a replier tracks it).
 */
export async function markRead(db: DbOrTx, memberId: string, threadId: string, position: number, level: 'watching' | 'tracking' | null = null): Promise<number> {
  const { rows } = await sql<{ last_read_position: number }>`
    INSERT INTO forum_read_state AS rs (member_id, thread_id, last_read_position, level)
    SELECT ${memberId}, t.id, least(${position}::int, t.post_count), ${level}::text FROM forum_threads t WHERE t.id = ${threadId}
    ON CONFLICT (member_id, thread_id) DO UPDATE SET last_read_position = greatest(rs.last_read_position, excluded.last_read_position),
      level = coalesce(rs.level, excluded.level), updated_at = now()
    RETURNING last_read_position`.execute(db);
  return rows[0]?.last_read_position ?? 0;
}

/** How a member follows a thread; `normal` is no level at all. */
export async function setThreadLevel(db: DbOrTx, memberId: string, threadId: string, level: 'watching' | 'tracking' | 'muted' | null): Promise<void> {
  await sql`INSERT INTO forum_read_state AS rs (member_id, thread_id, level) VALUES (${memberId}, ${threadId}, ${level})
    ON CONFLICT (member_id, thread_id) DO UPDATE SET level = excluded.level, updated_at = now()`.execute(db);
}

/** A post's text before an edit, kept for moderators, and the post with its new text. */
export async function editPost(db: DbOrTx, postId: string, editorId: string, previousBody: string, body: string, html: string): Promise<void> {
  await db.insertInto('forum_post_revisions').values({ id: newId(), post_id: postId, editor_id: editorId, body: previousBody }).execute();
  await db.updateTable('forum_posts').set({ body, body_html: html, edited_at: new Date() }).where('id', '=', postId).execute();
}

export async function softDeletePost(db: DbOrTx, postId: string): Promise<boolean> {
  const result = await db.updateTable('forum_posts').set({ deleted_at: new Date() }).where('id', '=', postId).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function softDeleteThread(db: DbOrTx, threadId: string): Promise<boolean> {
  const result = await db.updateTable('forum_threads').set({ deleted_at: new Date() }).where('id', '=', threadId).where('deleted_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Live (not deleted) posts of a thread: what its category loses when the thread goes. */
export async function livePostCount(db: DbOrTx, threadId: string): Promise<number> {
  const row = await db.selectFrom('forum_posts').select((eb) => eb.fn.countAll<string>().as('n')).where('thread_id', '=', threadId).where('deleted_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function setThreadPinned(db: DbOrTx, threadId: string, where: 'category' | 'forum' | null): Promise<void> {
  await db.updateTable('forum_threads').set({ pinned: where, pinned_at: where ? new Date() : null }).where('id', '=', threadId).execute();
}

export async function setThreadClosed(db: DbOrTx, threadId: string, closed: boolean): Promise<void> {
  await db.updateTable('forum_threads').set({ closed_at: closed ? new Date() : null }).where('id', '=', threadId).execute();
}

/** Appends one entry to the moderation log (who, what, on what, why). */
export async function logModeration(db: DbOrTx, entry: { actorId: string; action: string; subjectKind: string; subjectId: string; groupId: string | null; reason?: string | null; details?: Record<string, unknown> }): Promise<void> {
  await db.insertInto('moderation_log').values({
    id: newId(), actor_id: entry.actorId, action: entry.action, subject_kind: entry.subjectKind, subject_id: entry.subjectId,
    group_id: entry.groupId, reason: entry.reason ?? null, details: JSON.stringify(entry.details ?? {}),
  }).execute();
}

export async function setThreadArchived(db: DbOrTx, threadId: string, archived: boolean): Promise<void> {
  await db.updateTable('forum_threads').set({ archived_at: archived ? new Date() : null }).where('id', '=', threadId).execute();
}

export async function setSlowMode(db: DbOrTx, threadId: string, seconds: number | null): Promise<void> {
  await db.updateTable('forum_threads').set({ slow_mode_seconds: seconds }).where('id', '=', threadId).execute();
}

/** Two threads locked in a stable order (no deadlock with a merge the other way); the live ones found. */
export async function lockThreads(db: DbOrTx, ids: readonly string[]): Promise<Array<{ id: string; post_count: number; category_id: string; group_id: string | null }>> {
  return db.selectFrom('forum_threads').select(['id', 'post_count', 'category_id', 'group_id']).where('id', 'in', [...ids]).where('deleted_at', 'is', null)
    .orderBy('id').forUpdate().execute();
}

export async function moveThread(db: DbOrTx, threadId: string, categoryId: string): Promise<void> {
  await db.updateTable('forum_threads').set({ category_id: categoryId, pinned: null, pinned_at: null }).where('id', '=', threadId).execute();
}

/**
 * Every post of `sourceId` goes to the end of `targetId`, in their order, numbered after its last
 * post; the source is deleted and points to the target. Returns how many posts moved, how many of
 * them live.
 */
export async function mergeThreads(db: DbOrTx, sourceId: string, targetId: string, targetCount: number): Promise<{ moved: number; live: number }> {
  const { rows } = await sql<{ moved: number; live: number }>`
    WITH renumbered AS (
      SELECT id, row_number() OVER (ORDER BY position) AS n FROM forum_posts WHERE thread_id = ${sourceId}
    ), moved AS (
      UPDATE forum_posts p SET thread_id = ${targetId}, position = ${targetCount}::int + r.n
      FROM renumbered r WHERE p.id = r.id RETURNING p.deleted_at
    )
    SELECT count(*)::int AS moved, count(*) FILTER (WHERE deleted_at IS NULL)::int AS live FROM moved`.execute(db);
  const { moved, live } = rows[0]!;
  await sql`UPDATE forum_threads t SET post_count = post_count + ${moved},
      last_post_at = greatest(t.last_post_at, (SELECT max(created_at) FROM forum_posts WHERE thread_id = ${targetId}))
    WHERE id = ${targetId}`.execute(db);
  await db.updateTable('forum_threads').set({ deleted_at: new Date(), merged_into: targetId, pinned: null, pinned_at: null }).where('id', '=', sourceId).execute();
  return { moved, live };
}

/**
 * The posts at these numbers leave `sourceId` for a new thread, numbered from 1 in their order; the
 * new thread's author is the author of its first post. Returns how many moved (live ones apart).
 */
export async function splitThread(db: DbOrTx, sourceId: string, positions: readonly number[], newThread: { id: string; categoryId: string; groupId: string | null; title: string })
  : Promise<{ moved: number; live: number }> {
  const posts = await db.selectFrom('forum_posts').select(['id', 'author_id', 'created_at', 'deleted_at']).where('thread_id', '=', sourceId)
    .where('position', 'in', [...positions]).orderBy('position').execute();
  const first = posts[0]!;
  const last = posts[posts.length - 1]!;
  await db.insertInto('forum_threads').values({
    id: newThread.id, category_id: newThread.categoryId, group_id: newThread.groupId, author_id: first.author_id, title: newThread.title,
    post_count: posts.length, last_post_at: last.created_at, last_poster_id: last.author_id, created_at: first.created_at,
  }).execute();
  await sql`UPDATE forum_posts p SET thread_id = ${newThread.id}, position = r.n
    FROM (SELECT id, row_number() OVER (ORDER BY position) AS n FROM forum_posts WHERE thread_id = ${sourceId} AND position = ANY(${[...positions]}::int[])) r
    WHERE p.id = r.id`.execute(db);
  return { moved: posts.length, live: posts.filter((post) => post.deleted_at === null).length };
}

/** The thread a merged one went into, if it was merged. */
export async function mergedInto(db: DbOrTx, threadId: string): Promise<string | null> {
  const row = await db.selectFrom('forum_threads').select('merged_into').where('id', '=', threadId).where('deleted_at', 'is not', null).executeTakeFirst();
  return row?.merged_into ?? null;
}
