// The one-query ceilings: bare Fastify routes that do the work of Caucus's JSON reads in ONE pg
// query each, written plainly here (nothing imported from the server), with no session, policy,
// schema validation or serializer; prepared once per connection. What Caucus costs above them is
// what its safety and structure cost. Started by run.ts in its own process, one per database.
//
//   GET  /ceiling/feed?member=&before=&id=      home feed: 20 posts newest first (keyset on
//        created_at, id) from the network wall, the member's active groups, and the profile walls
//        and readable group posts (public groups or theirs) of whom they follow and themselves;
//        each with its author (name, handle, avatar), counts per reaction kind, comment count,
//        the member's own reaction and the group it lives in.
//   GET  /ceiling/groups/:slug/posts?member=    the group's 20 newest posts, same hydration.
//   GET  /ceiling/profiles/:handle/posts?member= the member's profile-wall 20 newest posts, same hydration.
//   POST /ceiling/post/:groupId                 a bare INSERT of a post: the least a post creation can cost.
//   GET  /ceiling/threads/:id?member=&after=    a page of a thread: its 20 posts after a position, each with
//        its author, the post it quotes, its reactions and the member's own, beside the thread row.
//   GET  /ceiling/groups/:slug/forum?member=    a group forum's categories with the member's unread threads.
//   POST /ceiling/reply/:threadId               a reply in one statement: the thread's next number and the INSERT.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const app = Fastify({ logger: false });
const PAGE = 20;

// The hydration every read shares: `page` holds (id, created_at) of the chosen posts.
const hydrated = (page: string) => `
  SELECT p.id, p.wall, p.body_html, p.created_at, p.created_at::text AS sort_key, p.edited_at, p.pinned_at, p.comment_count, p.reaction_count,
    a.id AS author_id, a.handle, a.display_name, av.id AS avatar_id, av.placeholder AS avatar_placeholder, av.variants AS avatar_variants,
    g.id AS group_id, g.slug AS group_slug, g.name AS group_name, g.visibility AS group_visibility,
    (SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*)::int AS n FROM reactions r WHERE r.post_id = p.id GROUP BY kind) k) AS reactions,
    (SELECT kind FROM reactions r WHERE r.post_id = p.id AND r.member_id = $1) AS mine
  FROM (${page}) page
  JOIN posts p ON p.id = page.id
  JOIN members a ON a.id = p.author_id
  LEFT JOIN media av ON av.id = a.avatar_id
  LEFT JOIN groups g ON g.id = p.group_id
  ORDER BY p.created_at DESC, p.id DESC`;

// $2/$3: the keyset of the last post seen (both null on the first page).
const before = (alias: string) => `($2::timestamptz IS NULL OR (${alias}.created_at, ${alias}.id) < ($2::timestamptz, $3::uuid))`;
const newest = (alias: string) => `AND ${alias}.deleted_at IS NULL AND ${before(alias)} ORDER BY ${alias}.created_at DESC, ${alias}.id DESC LIMIT ${PAGE}`;

const FEED = hydrated(`
  WITH mine AS (SELECT group_id AS id FROM group_members WHERE member_id = $1 AND state = 'active'),
       followed AS (SELECT followee_id AS id FROM follows WHERE follower_id = $1 UNION SELECT $1::uuid)
  SELECT id, created_at FROM (
    (SELECT n.id, n.created_at FROM posts n WHERE n.wall = 'network' ${newest('n')})
    UNION
    (SELECT gp.id, gp.created_at FROM mine CROSS JOIN LATERAL (SELECT x.id, x.created_at FROM posts x WHERE x.group_id = mine.id ${newest('x')}) gp)
    UNION
    (SELECT fp.id, fp.created_at FROM followed CROSS JOIN LATERAL (SELECT y.id, y.created_at FROM posts y WHERE y.author_id = followed.id
       AND (y.wall = 'profile' OR (y.wall = 'group' AND (y.group_id IN (SELECT id FROM mine) OR EXISTS (SELECT 1 FROM groups pg WHERE pg.id = y.group_id AND pg.visibility = 'public'))))
       ${newest('y')}) fp)
  ) candidates ORDER BY created_at DESC, id DESC LIMIT ${PAGE}`);

const GROUP_WALL = hydrated(`SELECT w.id, w.created_at FROM posts w WHERE w.group_id = (SELECT id FROM groups WHERE slug = $4) ${newest('w')}`);
const PROFILE_WALL = hydrated(`SELECT w.id, w.created_at FROM posts w WHERE w.wall = 'profile' AND w.profile_id = (SELECT id FROM members WHERE lower(handle) = lower($4)) ${newest('w')}`);

interface Row {
  id: string; wall: string; body_html: string; created_at: Date; sort_key: string; edited_at: Date | null; pinned_at: Date | null; comment_count: number; reaction_count: number;
  author_id: string; handle: string; display_name: string; avatar_id: string | null; avatar_placeholder: string | null; avatar_variants: unknown;
  group_id: string | null; group_slug: string | null; group_name: string | null; group_visibility: string | null; reactions: Record<string, number> | null; mine: string | null;
}

const present = (row: Row) => ({
  id: row.id,
  wall: row.group_id ? { kind: row.wall, group: { id: row.group_id, slug: row.group_slug, name: row.group_name, visibility: row.group_visibility } } : { kind: row.wall },
  author: { id: row.author_id, handle: row.handle, displayName: row.display_name, ...(row.avatar_id ? { avatar: { id: row.avatar_id, placeholder: row.avatar_placeholder, variants: row.avatar_variants } } : {}) },
  bodyHtml: row.body_html,
  createdAt: row.created_at,
  editedAt: row.edited_at,
  pinnedAt: row.pinned_at,
  commentCount: row.comment_count,
  reactions: row.reactions ?? {},
  reactionCount: row.reaction_count,
  viewer: { reaction: row.mine },
});

type Query = { member: string; before?: string; id?: string };
// Named (prepared) statements: each connection plans a read once, as the best hand-written code would.
async function page(name: string, text: string, query: Query, key?: string) {
  const { rows } = await pool.query<Row>({ name, text, values: [query.member, query.before ?? null, query.id ?? null, ...(key === undefined ? [] : [key])] });
  const last = rows.length === PAGE ? rows.at(-1) : undefined;
  // The next keyset in the clear (microseconds kept): the bench walks pages with it.
  return { posts: rows.map(present), next: last ? { before: last.sort_key, id: last.id } : null };
}

app.get<{ Querystring: Query }>('/ceiling/feed', async (request) => page('feed', FEED, request.query));
app.get<{ Params: { slug: string }; Querystring: Query }>('/ceiling/groups/:slug/posts', async (request) => page('group_wall', GROUP_WALL, request.query, request.params.slug));
app.get<{ Params: { handle: string }; Querystring: Query }>('/ceiling/profiles/:handle/posts', async (request) => page('profile_wall', PROFILE_WALL, request.query, request.params.handle));

app.post<{ Params: { groupId: string }; Body: { body: string } }>('/ceiling/post/:groupId', async (request, reply) => {
  const { rows } = await pool.query(
    `INSERT INTO posts (id, author_id, wall, group_id, body, body_html)
     SELECT gen_random_uuid(), member_id, 'group', $1, $2, $2 FROM group_members WHERE group_id = $1 AND state = 'active' LIMIT 1
     RETURNING id, created_at`,
    [request.params.groupId, request.body.body],
  );
  return reply.status(201).send(rows[0]);
});

const THREAD_PAGE = `
  SELECT row_to_json(t) AS thread, p.id, p.position, p.body_html, p.created_at, p.edited_at, p.deleted_at,
    a.id AS author_id, a.handle, a.display_name, q.position AS quote_position, qa.display_name AS quote_author, left(q.body_html, 200) AS quote_html,
    (SELECT json_object_agg(kind, n) FROM (SELECT kind, count(*)::int AS n FROM forum_reactions r WHERE r.post_id = p.id GROUP BY kind) k) AS reactions,
    (SELECT kind FROM forum_reactions r WHERE r.post_id = p.id AND r.member_id = $1) AS mine
  FROM (SELECT id, title, post_count, last_post_at, closed_at FROM forum_threads WHERE id = $2 AND deleted_at IS NULL) t
  JOIN forum_posts p ON p.thread_id = t.id AND p.position > $3
  JOIN members a ON a.id = p.author_id
  LEFT JOIN forum_posts q ON q.id = p.quote_of LEFT JOIN members qa ON qa.id = q.author_id
  ORDER BY p.position LIMIT ${PAGE}`;

app.get<{ Params: { id: string }; Querystring: { member: string; after?: string } }>('/ceiling/threads/:id', async (request) => {
  const { rows } = await pool.query({ name: 'thread_page', text: THREAD_PAGE, values: [request.query.member, request.params.id, Number(request.query.after ?? 0)] });
  return {
    thread: rows[0]?.thread ?? null,
    posts: rows.map((row) => ({
      id: row.id, position: row.position, bodyHtml: row.body_html, createdAt: row.created_at, editedAt: row.edited_at, deleted: row.deleted_at !== null,
      author: { id: row.author_id, handle: row.handle, displayName: row.display_name },
      quote: row.quote_position ? { position: row.quote_position, author: row.quote_author, excerpt: row.quote_html } : null,
      reactions: row.reactions ?? {}, viewer: { reaction: row.mine },
    })),
  };
});

const FORUM = `
  SELECT c.id, c.parent_id, c.slug, c.name, c.description, c.position, c.thread_count, c.post_count, c.last_activity_at,
    (SELECT count(*)::int FROM forum_threads t LEFT JOIN forum_read_state rs ON rs.thread_id = t.id AND rs.member_id = $1
      WHERE t.category_id = c.id AND t.deleted_at IS NULL AND t.last_post_at > now() - interval '30 days' AND t.post_count > coalesce(rs.last_read_position, 0)) AS unread
  FROM forum_categories c WHERE c.group_id = (SELECT id FROM groups WHERE slug = $2) ORDER BY c.position`;

app.get<{ Params: { slug: string }; Querystring: { member: string } }>('/ceiling/groups/:slug/forum', async (request) => {
  const { rows } = await pool.query({ name: 'forum', text: FORUM, values: [request.query.member, request.params.slug] });
  return { categories: rows };
});

app.post<{ Params: { threadId: string }; Body: { body: string } }>('/ceiling/reply/:threadId', async (request, reply) => {
  const { rows } = await pool.query(
    `WITH numbered AS (UPDATE forum_threads SET post_count = post_count + 1, last_post_at = now() WHERE id = $1 RETURNING id, post_count, author_id)
     INSERT INTO forum_posts (id, thread_id, position, author_id, body, body_html)
     SELECT gen_random_uuid(), id, post_count, author_id, $2, $2 FROM numbered RETURNING id, position`,
    [request.params.threadId, request.body.body],
  );
  return reply.status(201).send(rows[0]);
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
