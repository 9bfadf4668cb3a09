// The SvelteKit ceiling's only page: a group's wall for one member in ONE pg query (the group's
// head, the member's name for the header, 20 newest posts with their authors, counts per reaction
// kind, comment counts and the member's own reactions), prepared once per connection; no session,
// policy or API dispatch.
// The member comes in the query string (`?member=<uuid>`), standing in for a session.
import { error } from '@sveltejs/kit';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });

const WALL = `
  WITH g AS (SELECT id, slug, name, description_html, visibility, member_count, territory_name, department_code, created_at FROM groups WHERE slug = $2),
  page AS (
    SELECT p.id, p.body_html, p.created_at, p.edited_at, p.comment_count,
      a.handle, a.display_name, a.avatar_id,
      (SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*)::int AS n FROM reactions r WHERE r.post_id = p.id GROUP BY kind) k) AS reactions,
      (SELECT kind FROM reactions r WHERE r.post_id = p.id AND r.member_id = $1) AS mine
    FROM posts p JOIN members a ON a.id = p.author_id
    WHERE p.group_id = (SELECT id FROM g) AND p.deleted_at IS NULL
    ORDER BY p.created_at DESC, p.id DESC LIMIT 20)
  SELECT (SELECT row_to_json(g) FROM g) AS "group",
    (SELECT json_build_object('handle', handle, 'displayName', display_name) FROM members WHERE id = $1) AS viewer,
    (SELECT coalesce(json_agg(page ORDER BY created_at DESC, id DESC), '[]') FROM page) AS posts`;

export interface WallPost {
  id: string; body_html: string; created_at: string; edited_at: string | null; comment_count: number;
  handle: string; display_name: string; avatar_id: string | null; reactions: Record<string, number> | null; mine: string | null;
}
export interface WallGroup {
  id: string; slug: string; name: string; description_html: string; visibility: string; member_count: number;
  territory_name: string | null; department_code: string | null; created_at: string;
}

export async function load({ params, url }: { params: { slug: string }; url: URL }) {
  const { rows } = await pool.query<{ group: WallGroup | null; viewer: { handle: string; displayName: string } | null; posts: WallPost[] }>(
    { name: 'wall', text: WALL, values: [url.searchParams.get('member'), params.slug] });
  const row = rows[0]!;
  if (!row.group) error(404, 'Not found');
  return row;
}
