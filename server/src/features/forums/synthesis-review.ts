import { sql } from 'kysely';
import { LIMITS } from '@caucus/shared/constants.ts';
import type { ReviewedSynthesis, SynthesisReview, SynthesisReviewQuery } from '@caucus/shared/schemas/forums.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import { PREPARED, type DbOrTx } from '#core/db.ts';
import { forbidden } from '#core/errors.ts';
import { canReadCategory, canReviewSyntheses, type MaybeViewer, type Viewer } from '#core/policy.ts';
import { presentSynthesis } from './present.ts';
import { contextOf, type AccessColumns, type Keyset, type ScopeColumns } from './scope.ts';
import { synthesisColumns, type SynthesisRow } from './synthesis-statements.ts';

// The campaign team's view: every forum's current syntheses together, newest first
// (forum_syntheses_recent_idx), by territory (the groups' region, department or commune, or the
// network's forum alone) and theme (a hashtag of the synthesis, or its category's address). Each
// is shown only where the reader may read it: a network moderator does not see a secret group's.

export interface ReviewRow extends ScopeColumns, AccessColumns {
  synthesis: SynthesisRow;
  body: string;
  hashtags: string[];
  t_id: string;
  t_title: string;
  t_post_count: number;
  c_id: string;
  c_slug: string;
  c_name: string;
  territory_kind: string | null;
  territory_code: string | null;
  territory_name: string | null;
  department_code: string | null;
  region_code: string | null;
  sort_key: string;
}

export type ReviewFilters = Omit<SynthesisReviewQuery, 'cursor' | 'limit'>;

export async function reviewStatement(db: DbOrTx, viewerId: string, filters: ReviewFilters, after: Keyset | undefined, limit: number): Promise<ReviewRow[]> {
  const conditions = [
    sql`s.current`,
    after ? sql`(s.created_at, s.id) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql`true`,
    filters.national ? sql`s.group_id IS NULL` : sql`true`,
    filters.region ? sql`g.region_code = ${filters.region}` : sql`true`,
    filters.department ? sql`g.department_code = ${filters.department}` : sql`true`,
    filters.commune ? sql`g.territory_code = ${filters.commune} AND g.territory_kind = 'commune'` : sql`true`,
    filters.theme ? sql`(s.hashtags @> ARRAY[lower(${filters.theme})]::text[] OR c.slug = lower(${filters.theme}))` : sql`true`,
  ];
  const { rows } = await sql<ReviewRow>`${sql.raw(PREPARED)}
    WITH page AS MATERIALIZED (
      SELECT s.id, s.created_at FROM forum_syntheses s
      JOIN forum_threads t ON t.id = s.thread_id AND t.deleted_at IS NULL
      JOIN forum_categories c ON c.id = t.category_id
      LEFT JOIN groups g ON g.id = s.group_id
      WHERE ${sql.join(conditions, sql` AND `)}
      ORDER BY s.created_at DESC, s.id DESC LIMIT ${limit + 1}
    )
    SELECT row_to_json(h) AS synthesis, s.body, s.hashtags, page.created_at::text AS sort_key,
      t.id AS t_id, t.title AS t_title, t.post_count AS t_post_count,
      c.id AS c_id, c.slug AS c_slug, c.name AS c_name, c.read_access, c.start_access, c.reply_access,
      s.group_id, g.slug AS g_slug, g.name AS g_name, g.visibility AS g_visibility, gm.state AS gm_state, gm.role AS gm_role,
      g.territory_kind, g.territory_code, g.territory_name, g.department_code, g.region_code
    FROM page
    JOIN forum_syntheses s ON s.id = page.id
    LEFT JOIN members sa ON sa.id = s.author_id
    JOIN forum_threads t ON t.id = s.thread_id
    JOIN forum_categories c ON c.id = t.category_id
    LEFT JOIN groups g ON g.id = s.group_id
    LEFT JOIN group_members gm ON gm.group_id = s.group_id AND gm.member_id = ${viewerId}::uuid
    CROSS JOIN LATERAL (SELECT ${synthesisColumns(viewerId)}) h
    ORDER BY page.created_at DESC, page.id DESC`.execute(db);
  return rows;
}

/** The rows this viewer may read, as JSON (fail closed: a row whose forum did not load is left out). */
export function presentReviewed(rows: readonly ReviewRow[], viewer: MaybeViewer): Array<{ row: ReviewRow; json: ReviewedSynthesis }> {
  return rows.flatMap((row) => {
    const forum = contextOf(row);
    if (!forum || !canReadCategory(viewer, forum.subject, { read: row.read_access, start: row.start_access, reply: row.reply_access })) return [];
    const territory = row.territory_kind && row.territory_code && row.territory_name
      ? { kind: row.territory_kind, code: row.territory_code, name: row.territory_name, departmentCode: row.department_code, regionCode: row.region_code }
      : null;
    return [{
      row,
      json: {
        scope: forum.scope,
        territory,
        thread: { id: row.t_id, title: row.t_title, category: { id: row.c_id, slug: row.c_slug, name: row.c_name }, postCount: row.t_post_count },
        synthesis: presentSynthesis(row.synthesis, forum, { read: row.read_access, start: row.start_access, reply: row.reply_access }, viewer),
        hashtags: row.hashtags,
      },
    }];
  });
}

export function createSynthesisReviewService(deps: { db: DbOrTx }) {
  const { db } = deps;
  const assertTeam = (viewer: Viewer) => {
    if (!canReviewSyntheses(viewer)) throw forbidden('The syntheses of every forum are for the campaign team (network moderators and admins).');
  };
  return {
    async review(viewer: Viewer, query: SynthesisReviewQuery): Promise<SynthesisReview> {
      assertTeam(viewer);
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const { cursor: _cursor, limit: _limit, ...filters } = query;
      const rows = await reviewStatement(db, viewer.id, filters, after, limit);
      const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.synthesis.id]);
      return { syntheses: presentReviewed(items, viewer).map((entry) => entry.json), nextCursor };
    },

    /** Everything the filters select, up to `max`, for an export. */
    async all(viewer: Viewer, filters: ReviewFilters, max: number): Promise<Array<{ row: ReviewRow; json: ReviewedSynthesis }>> {
      assertTeam(viewer);
      return presentReviewed(await reviewStatement(db, viewer.id, filters, undefined, max - 1), viewer).slice(0, max);
    },
  };
}
