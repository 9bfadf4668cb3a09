import { sql, type RawBuilder } from 'kysely';
import type { ForumAccessLevel, ReactionKind } from '@caucus/shared/constants.ts';
import type { ReactionCounts } from '@caucus/shared/schemas/posts.ts';
import { PREPARED, type DbOrTx } from '#core/db.ts';
import type { ImageRow } from '#features/media/queries.ts';
import { imageColumn } from '#features/media/service.ts';
import { forumScopeSelect, type AccessColumns, type ForumRef, type Keyset, type ScopeColumns } from './scope.ts';
import { currentSynthesis, type SynthesisRow } from './synthesis-statements.ts';

export type { ForumRef } from './scope.ts';

// Every read of the forums is ONE statement (ARCHITECTURE: a read is one round trip), shaped as the
// walls' are: the forum's group and the viewer's row in it, what the page lists, and everything
// the presentation and the policy need of each item. The rules run afterwards, in the services,
// on what loaded; anything incomplete is left out (fail closed).

const NO_ONE = '00000000-0000-0000-0000-000000000000';
/** Threads active in this window, not read to their end, count as unread on lists. */
export const UNREAD_WINDOW_DAYS = 30;

/** The categories of the forum whose scope row is `s`. */
const inForum = (ref: ForumRef) => (ref.kind === 'network' ? sql`c.group_id IS NULL` : sql`c.group_id = s.group_id`);

export interface CategoryRow extends AccessColumns {
  id: string;
  parent_id: string | null;
  slug: string;
  name: string;
  description: string;
  position: number;
  thread_count: number;
  post_count: number;
  last_activity_at: Date | null;
  created_at: Date;
  unread_threads: number | null;
}

const categoryColumns = (viewer: string | null) => sql`c.id, c.parent_id, c.slug, c.name, c.description, c.position,
  c.read_access, c.start_access, c.reply_access, c.thread_count, c.post_count, c.last_activity_at, c.created_at,
  CASE WHEN ${viewer !== null} THEN (
    SELECT count(*)::int FROM forum_threads t
    LEFT JOIN forum_read_state rs ON rs.thread_id = t.id AND rs.member_id = ${viewer ?? NO_ONE}::uuid
    WHERE t.category_id = c.id AND t.deleted_at IS NULL AND t.last_post_at > now() - make_interval(days => ${UNREAD_WINDOW_DAYS})
      AND t.post_count > coalesce(rs.last_read_position, 0) AND rs.level IS DISTINCT FROM 'muted'
  ) END AS unread_threads`;

/** A forum and its categories: no row when the group does not exist; one row of nulls beside the scope when it has no category. */
export async function forumStatement(db: DbOrTx, ref: ForumRef, viewerId: string | null): Promise<Array<ScopeColumns & Partial<CategoryRow>>> {
  const viewer = viewerId ?? NO_ONE;
  const { rows } = await sql<ScopeColumns & Partial<CategoryRow>>`${sql.raw(PREPARED)}
    WITH s AS MATERIALIZED (${forumScopeSelect(ref, viewer)})
    SELECT s.*, c.* FROM s LEFT JOIN LATERAL (
      SELECT ${categoryColumns(viewerId)} FROM forum_categories c WHERE ${inForum(ref)}
    ) c ON true
    ORDER BY c.position, c.created_at`.execute(db);
  return rows;
}

export interface ThreadSummaryRow {
  part: 'pinned' | 'page';
  id: string;
  category_id: string;
  title: string;
  author_id: string;
  created_at: Date;
  post_count: number;
  last_post_at: Date;
  sort_key: string;
  pinned: 'category' | 'forum' | null;
  closed_at: Date | null;
  archived_at: Date | null;
  a_handle: string;
  a_display_name: string;
  a_avatar: ImageRow | null;
  lp_id: string | null;
  lp_handle: string | null;
  lp_display_name: string | null;
  lp_avatar: ImageRow | null;
  last_read_position: number | null;
  /** The thread's own category's levels: a thread pinned forum-wide may come from another one. */
  t_read_access: ForumAccessLevel;
}

export type CategoryWithScope = ScopeColumns & CategoryRow;


/**
 * A category's page of threads: the category (by its slug in the forum) with its scope, its pinned
 * threads and those pinned forum-wide (first page only), then a keyset page of the others, most
 * recently active first (forum_threads_category_idx), each with its author, last poster and the
 * viewer's reading position.
 */
export async function threadListStatement(db: DbOrTx, ref: ForumRef, categorySlug: string, viewerId: string | null, after: Keyset | undefined, limit: number, archived = false)
  : Promise<{ category: CategoryWithScope | null; threads: ThreadSummaryRow[] }> {
  const viewer = viewerId ?? NO_ONE;
  const shelf = archived ? sql`t.archived_at IS NOT NULL` : sql`t.archived_at IS NULL`;
  const older = after ? sql`(t.last_post_at, t.id) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql`true`;
  const { rows } = await sql<{ category_row: CategoryWithScope } & Partial<ThreadSummaryRow>>`${sql.raw(PREPARED)}
    WITH s AS MATERIALIZED (${forumScopeSelect(ref, viewer)}),
    cat AS MATERIALIZED (
      SELECT s.*, ${categoryColumns(viewerId)} FROM s JOIN forum_categories c ON ${inForum(ref)} AND c.slug = lower(${categorySlug})
    ),
    picked AS MATERIALIZED (
      (SELECT t.id, 'pinned'::text AS part, row_number() OVER (ORDER BY t.pinned = 'forum' DESC, t.pinned_at DESC) AS ord
        FROM cat JOIN forum_threads t ON t.deleted_at IS NULL AND t.pinned IS NOT NULL
          AND (t.category_id = cat.id OR (t.pinned = 'forum' AND t.group_id IS NOT DISTINCT FROM cat.group_id))
        WHERE ${after === undefined && !archived} AND t.archived_at IS NULL
        ORDER BY t.pinned = 'forum' DESC, t.pinned_at DESC LIMIT 10)
      UNION ALL
      (SELECT p.id, 'page'::text, row_number() OVER (ORDER BY p.last_post_at DESC, p.id DESC) FROM cat CROSS JOIN LATERAL (
        SELECT t.id, t.last_post_at FROM forum_threads t
        WHERE t.category_id = cat.id AND t.deleted_at IS NULL AND (t.pinned IS NULL OR t.archived_at IS NOT NULL) AND ${shelf} AND ${older}
          AND NOT EXISTS (SELECT 1 FROM forum_read_state m WHERE m.thread_id = t.id AND m.member_id = ${viewer}::uuid AND m.level = 'muted')
        ORDER BY t.last_post_at DESC, t.id DESC LIMIT ${limit + 1}) p)
    )
    SELECT row_to_json(cat) AS category_row, h.* FROM cat LEFT JOIN LATERAL (
      SELECT k.part, k.ord, t.id, t.category_id, t.title, t.author_id, t.created_at, t.post_count, t.last_post_at, t.last_post_at::text AS sort_key,
        t.pinned, t.closed_at, t.archived_at, a.handle AS a_handle, a.display_name AS a_display_name, ${imageColumn('a.avatar_id')} AS a_avatar,
        lp.id AS lp_id, lp.handle AS lp_handle, lp.display_name AS lp_display_name, ${imageColumn('lp.avatar_id')} AS lp_avatar,
        rs.last_read_position, tc.read_access AS t_read_access
      FROM picked k JOIN forum_threads t ON t.id = k.id
      JOIN forum_categories tc ON tc.id = t.category_id
      JOIN members a ON a.id = t.author_id
      LEFT JOIN members lp ON lp.id = t.last_poster_id
      LEFT JOIN forum_read_state rs ON rs.thread_id = t.id AND rs.member_id = ${viewer}::uuid
    ) h ON true
    ORDER BY h.part, h.ord`.execute(db);
  const first = rows[0];
  if (!first) return { category: null, threads: [] };
  return { category: first.category_row, threads: rows.filter((row) => row.id !== undefined && row.id !== null) as ThreadSummaryRow[] };
}

/** A thread with its category, forum scope, author and the viewer's reading position. */
export interface ThreadRow extends ScopeColumns, AccessColumns {
  id: string;
  category_id: string;
  author_id: string;
  title: string;
  post_count: number;
  last_post_at: string;
  pinned: 'category' | 'forum' | null;
  closed_at: string | null;
  created_at: string;
  archived_at: string | null;
  slow_mode_seconds: number | null;
  c_slug: string;
  c_name: string;
  c_parent_id: string | null;
  last_read_position: number;
  level: 'watching' | 'tracking' | 'muted' | null;
  a_handle: string;
  a_display_name: string;
  a_avatar: ImageRow | null;
}

/** `threadId`: a value, or a column of the enclosing query. */
const threadSelect = (threadId: string | RawBuilder<unknown>, viewer: string) => sql`
  SELECT t.id, t.category_id, t.group_id, t.author_id, t.title, t.post_count, t.last_post_at, t.pinned, t.closed_at, t.created_at,
    t.archived_at, t.slow_mode_seconds, c.slug AS c_slug, c.name AS c_name, c.parent_id AS c_parent_id, c.read_access, c.start_access, c.reply_access,
    g.slug AS g_slug, g.name AS g_name, g.visibility AS g_visibility, gm.state AS gm_state, gm.role AS gm_role,
    coalesce(rs.last_read_position, 0) AS last_read_position, rs.level,
    a.handle AS a_handle, a.display_name AS a_display_name, ${imageColumn('a.avatar_id')} AS a_avatar
  FROM forum_threads t
  JOIN forum_categories c ON c.id = t.category_id
  JOIN members a ON a.id = t.author_id
  LEFT JOIN groups g ON g.id = t.group_id
  LEFT JOIN group_members gm ON gm.group_id = t.group_id AND gm.member_id = ${viewer}::uuid
  LEFT JOIN forum_read_state rs ON rs.thread_id = t.id AND rs.member_id = ${viewer}::uuid
  WHERE t.id = ${typeof threadId === 'string' ? sql`${threadId}::uuid` : threadId} AND t.deleted_at IS NULL`;

export interface ForumPostRow {
  id: string;
  thread_id: string;
  position: number;
  author_id: string;
  body: string;
  body_html: string;
  edited_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
  a_handle: string;
  a_display_name: string;
  a_avatar: ImageRow | null;
  q_id: string | null;
  q_position: number | null;
  q_html: string | null;
  q_deleted: boolean | null;
  qa_id: string | null;
  qa_handle: string | null;
  qa_display_name: string | null;
  reactions: ReactionCounts | null;
  mine: ReactionKind | null;
  bookmarked: boolean;
}

/** Each forum post with its author, the post it quotes (and its author), its reactions and the viewer's own. */
const postHydration = (viewer: string) => sql`
  p.id, p.thread_id, p.position, p.author_id, p.body, p.body_html, p.edited_at, p.deleted_at, p.created_at,
  a.handle AS a_handle, a.display_name AS a_display_name, ${imageColumn('a.avatar_id')} AS a_avatar,
  q.id AS q_id, q.position AS q_position, left(q.body_html, 2000) AS q_html, q.deleted_at IS NOT NULL AS q_deleted,
  qa.id AS qa_id, qa.handle AS qa_handle, qa.display_name AS qa_display_name,
  (SELECT json_object_agg(rc.kind, rc.n) FROM (SELECT r.kind, count(*)::int AS n FROM forum_reactions r WHERE r.post_id = p.id GROUP BY r.kind) rc) AS reactions,
  (SELECT r.kind FROM forum_reactions r WHERE r.post_id = p.id AND r.member_id = ${viewer}::uuid) AS mine,
  EXISTS (SELECT 1 FROM forum_bookmarks b WHERE b.member_id = ${viewer}::uuid AND b.post_id = p.id) AS bookmarked`;

const postJoins = sql`JOIN members a ON a.id = p.author_id
  LEFT JOIN forum_posts q ON q.id = p.quote_of
  LEFT JOIN members qa ON qa.id = q.author_id`;

/** A page of a thread: the posts after position `after` (forum_posts_thread_position_idx), `limit + 1` of them. */
export async function threadPageStatement(db: DbOrTx, threadId: string, viewerId: string | null, after: number, limit: number)
  : Promise<{ thread: ThreadRow | null; synthesis: SynthesisRow | null; posts: ForumPostRow[] }> {
  const viewer = viewerId ?? NO_ONE;
  const { rows } = await sql<{ thread_row: ThreadRow; synthesis_row: SynthesisRow | null } & Partial<ForumPostRow>>`${sql.raw(PREPARED)}
    WITH th AS MATERIALIZED (${threadSelect(threadId, viewer)}),
    syn AS MATERIALIZED (${currentSynthesis(sql`(SELECT th.id FROM th)`, viewer)})
    SELECT row_to_json(th) AS thread_row, (SELECT row_to_json(syn) FROM syn) AS synthesis_row, h.* FROM th LEFT JOIN LATERAL (
      SELECT ${postHydration(viewer)} FROM forum_posts p ${postJoins}
      WHERE p.thread_id = th.id AND p.position > ${after}::int
      ORDER BY p.position LIMIT ${limit + 1}
    ) h ON true
    ORDER BY h.position`.execute(db);
  const first = rows[0];
  if (!first) return { thread: null, synthesis: null, posts: [] };
  return { thread: first.thread_row, synthesis: first.synthesis_row, posts: rows.filter((row) => row.id !== null && row.id !== undefined) as ForumPostRow[] };
}

/** A thread, its category and forum, for a write's checks (no posts). */
export async function threadStatement(db: DbOrTx, threadId: string, viewerId: string | null): Promise<ThreadRow | undefined> {
  const { rows } = await sql<ThreadRow>`${sql.raw(PREPARED)} ${threadSelect(threadId, viewerId ?? NO_ONE)}`.execute(db);
  return rows[0];
}

/** One forum post with its thread (as `thread_row`), for edits and deletions. */
export async function forumPostStatement(db: DbOrTx, postId: string, viewerId: string | null): Promise<{ thread: ThreadRow; post: ForumPostRow } | undefined> {
  const viewer = viewerId ?? NO_ONE;
  const { rows } = await sql<{ thread_row: ThreadRow } & ForumPostRow>`${sql.raw(PREPARED)}
    SELECT row_to_json(th) AS thread_row, ${postHydration(viewer)}
    FROM forum_posts p ${postJoins}
    CROSS JOIN LATERAL (${threadSelect(sql`p.thread_id`, viewer)}) th
    WHERE p.id = ${postId}::uuid`.execute(db);
  const row = rows[0];
  return row && { thread: row.thread_row, post: row };
}

export interface BookmarkRow extends ForumPostRow {
  thread_row: ThreadRow;
  bookmarked_at: Date;
  sort_key: string;
}

/** A member's bookmarked posts, newest first (forum_bookmarks_recent_idx), each with its thread; posts of deleted threads drop out. */
export async function bookmarksStatement(db: DbOrTx, viewerId: string, after: Keyset | undefined, limit: number): Promise<BookmarkRow[]> {
  const older = after ? sql`(b.created_at, b.post_id) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql`true`;
  const { rows } = await sql<BookmarkRow>`${sql.raw(PREPARED)}
    SELECT row_to_json(th) AS thread_row, b.created_at AS bookmarked_at, b.created_at::text AS sort_key, ${postHydration(viewerId)}
    FROM (SELECT b.post_id, b.created_at FROM forum_bookmarks b WHERE b.member_id = ${viewerId}::uuid AND ${older}
          ORDER BY b.created_at DESC, b.post_id DESC LIMIT ${limit + 1}) b
    JOIN forum_posts p ON p.id = b.post_id
    ${postJoins}
    CROSS JOIN LATERAL (${threadSelect(sql`p.thread_id`, viewerId)}) th
    ORDER BY b.created_at DESC, b.post_id DESC`.execute(db);
  return rows;
}
