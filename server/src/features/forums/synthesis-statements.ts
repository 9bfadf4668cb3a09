import { sql, type RawBuilder } from 'kysely';
import { PREPARED, type DbOrTx } from '#core/db.ts';
import type { ImageRow } from '#features/media/queries.ts';
import { imageColumn } from '#features/media/service.ts';
import { forumScopeSelect, type AccessColumns, type ForumRef, type Keyset, type ScopeColumns } from './scope.ts';

// Syntheses, read as the rest of the forums are: one statement, the rules afterwards.

const NO_ONE = '00000000-0000-0000-0000-000000000000';

export interface SynthesisSourceRow { post_id: string; position: number; author_id: string; handle: string; display_name: string; html: string; deleted: boolean }

export interface SynthesisRow {
  id: string;
  thread_id: string;
  version: number;
  author_id: string | null;
  s_handle: string | null;
  s_display_name: string | null;
  s_avatar: ImageRow | null;
  body_html: string;
  created_at: string | Date;
  endorsements: number;
  endorsed: boolean;
  sources: SynthesisSourceRow[] | null;
}

/** A synthesis (alias `s`) with its author, its sources in thread order, its endorsements and whether the viewer gave theirs. */
export const synthesisColumns = (viewer: string): RawBuilder<unknown> => sql`
  s.id, s.thread_id, s.version, s.author_id, sa.handle AS s_handle, sa.display_name AS s_display_name, ${imageColumn('sa.avatar_id')} AS s_avatar,
  s.body_html, s.created_at,
  (SELECT count(*)::int FROM forum_synthesis_endorsements e WHERE e.synthesis_id = s.id) AS endorsements,
  EXISTS (SELECT 1 FROM forum_synthesis_endorsements e WHERE e.synthesis_id = s.id AND e.member_id = ${viewer}::uuid) AS endorsed,
  (SELECT json_agg(json_build_object('post_id', p.id, 'position', p.position, 'author_id', pa.id, 'handle', pa.handle, 'display_name', pa.display_name,
      'html', left(p.body_html, 2000), 'deleted', p.deleted_at IS NOT NULL) ORDER BY p.position)
    FROM forum_synthesis_sources ss JOIN forum_posts p ON p.id = ss.post_id JOIN members pa ON pa.id = p.author_id
    WHERE ss.synthesis_id = s.id) AS sources`;

/** The current synthesis of the thread whose id `threadId` gives (a value or a column). */
export const currentSynthesis = (threadId: RawBuilder<unknown>, viewer: string): RawBuilder<unknown> => sql`
  SELECT ${synthesisColumns(viewer)} FROM forum_syntheses s LEFT JOIN members sa ON sa.id = s.author_id
  WHERE s.thread_id = ${threadId} AND s.current`;

export interface SynthesisListRow extends ScopeColumns {
  synthesis: SynthesisRow | null;
  t_id: string | null;
  t_title: string | null;
  t_post_count: number | null;
  c_id: string | null;
  c_slug: string | null;
  c_name: string | null;
  read_access: AccessColumns['read_access'] | null;
  reply_access: AccessColumns['reply_access'] | null;
  start_access: AccessColumns['start_access'] | null;
  sort_key: string | null;
}

/** A forum's current syntheses, newest first (forum_syntheses_group_idx / _network_idx), with their threads and categories. */
export async function synthesisListStatement(db: DbOrTx, ref: ForumRef, viewerId: string | null, after: Keyset | undefined, limit: number): Promise<SynthesisListRow[]> {
  const viewer = viewerId ?? NO_ONE;
  const inForum = ref.kind === 'network' ? sql`s.group_id IS NULL` : sql`s.group_id = f.group_id`;
  const older = after ? sql`(s.created_at, s.id) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql`true`;
  const { rows } = await sql<SynthesisListRow>`${sql.raw(PREPARED)}
    WITH f AS MATERIALIZED (${forumScopeSelect(ref, viewer)})
    SELECT f.*, x.* FROM f LEFT JOIN LATERAL (
      SELECT row_to_json(h) AS synthesis, t.id AS t_id, t.title AS t_title, t.post_count AS t_post_count,
        c.id AS c_id, c.slug AS c_slug, c.name AS c_name, c.read_access, c.start_access, c.reply_access, page.created_at::text AS sort_key
      FROM (SELECT s.id, s.created_at FROM forum_syntheses s WHERE s.current AND ${inForum} AND ${older}
            ORDER BY s.created_at DESC, s.id DESC LIMIT ${limit + 1}) page
      JOIN forum_syntheses s ON s.id = page.id
      LEFT JOIN members sa ON sa.id = s.author_id
      JOIN forum_threads t ON t.id = s.thread_id AND t.deleted_at IS NULL
      JOIN forum_categories c ON c.id = t.category_id
      CROSS JOIN LATERAL (SELECT ${synthesisColumns(viewer)}) h
      ORDER BY page.created_at DESC, page.id DESC
    ) x ON true`.execute(db);
  return rows;
}

/** Every version of a thread's synthesis, newest first, as written. */
export async function synthesisVersions(db: DbOrTx, threadId: string) {
  return db
    .selectFrom('forum_syntheses as s')
    .leftJoin('members as a', 'a.id', 's.author_id')
    .select(['s.version', 's.body', 's.body_html', 's.created_at', 's.author_id', 'a.handle', 'a.display_name'])
    .where('s.thread_id', '=', threadId)
    .orderBy('s.version', 'desc')
    .execute();
}
