// The ceiling: a bare Fastify route doing the same indexed SELECT as the profile API through pg,
// with no session, policy or schema work. Started by run.ts in its own process.
import Fastify from 'fastify';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const app = Fastify({ logger: false });
const SELECT = `SELECT id, handle, display_name, role, created_at, bio_html, commune, postal_code, links
  FROM members WHERE lower(handle) = lower($1)`;

app.get<{ Params: { handle: string } }>('/ceiling/profile/:handle', async (request, reply) => {
  const { rows } = await pool.query(SELECT, [request.params.handle]);
  if (!rows[0]) return reply.status(404).send({ error: 'not_found' });
  return rows[0];
});

// The same query rendered into a bare HTML page of about the size of the real profile page.
app.get<{ Params: { handle: string } }>('/ceiling/page/:handle', async (request, reply) => {
  const { rows } = await pool.query(SELECT, [request.params.handle]);
  const row = rows[0];
  if (!row) return reply.status(404).send('not found');
  const padding = '<p class="filler">Caucus</p>'.repeat(Number(process.env.PAGE_PADDING ?? 0));
  return reply.type('text/html').send(`<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${row.display_name}</title></head><body><main><h1>${row.display_name}</h1><p>@${row.handle}</p><div>${row.bio_html}</div><p>${row.commune}</p>${padding}</main></body></html>`);
});

// A bare INSERT of a post: the least a post creation can cost.
app.post<{ Params: { groupId: string }; Body: { body: string } }>('/ceiling/post/:groupId', async (request, reply) => {
  const { rows } = await pool.query(
    `INSERT INTO posts (id, author_id, wall, group_id, body, body_html)
     SELECT gen_random_uuid(), member_id, 'group', $1, $2, $2 FROM group_members WHERE group_id = $1 AND state = 'active' LIMIT 1
     RETURNING id, created_at`,
    [request.params.groupId, request.body.body],
  );
  return reply.status(201).send(rows[0]);
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
