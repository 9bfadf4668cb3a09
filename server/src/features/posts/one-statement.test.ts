import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PREPARED } from '#core/db.ts';
import type { Viewer } from '#core/policy.ts';
import { statementCounter } from '../../testing/statement-counter.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { loadPostsByIds } from './hydrate.ts';
import { hydratedPosts, idsSkeleton } from './read-statement.ts';
import { follow, insertGroup, setMembership, setNetworkRole, type TestMember } from '../../testing/wall-fixtures.ts';

// ARCHITECTURE: a read is one round trip. Every list of posts or comments, whatever the viewer and
// however many walls it draws from, costs one statement (the session's own lookup apart).

let t: TestApp;
let alice: TestMember;
let bob: TestMember;
let admin: TestMember;
let group: { id: string; slug: string };
let publicGroup: { id: string; slug: string };
let postId: string;
let counter: ReturnType<typeof statementCounter>;

beforeAll(async () => {
  t = await createTestApp();
  [alice, bob, admin] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
  await setNetworkRole(t, admin.id, 'admin');
  group = await insertGroup(t, 'private');
  publicGroup = await insertGroup(t, 'public');
  for (const g of [group, publicGroup]) {
    await setMembership(t, g.id, alice.id, 'active', 'organizer');
    await setMembership(t, g.id, bob.id, 'active');
  }
  await follow(t, alice.id, bob.id);
  const post = (as: string, url: string, body: string) => t.request({ method: 'POST', url: `/api/v1${url}`, as, payload: { body } });
  await post(admin.token, '/walls/network/posts', 'Meeting national #campagne');
  for (let i = 0; i < 5; i++) {
    const created = await post(bob.token, `/groups/${group.slug}/posts`, `Tractage ${i} #campagne @${alice.handle}`);
    postId = created.json().id;
    await post(alice.token, `/groups/${publicGroup.slug}/posts`, `Réunion publique ${i}`);
    await post(alice.token, `/profiles/${bob.handle}/posts`, `Bravo ${i}`);
  }
  await t.request({ method: 'PUT', url: `/api/v1/posts/${postId}/reaction`, as: alice.token, payload: { kind: 'like' } });
  const comment = await t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, as: alice.token, payload: { body: 'Je viens' } });
  await t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, as: bob.token, payload: { body: 'Merci', parentId: comment.json().id } });
  await t.request({ method: 'PUT', url: `/api/v1/posts/${postId}/pin`, as: alice.token });
  counter = statementCounter(t);
});
afterAll(() => t.close());

describe('reads are one statement', () => {
  const reads = () => [
    ['home feed', '/api/v1/feed', alice.token],
    ['home feed of a visitor to nothing', '/api/v1/feed', bob.token],
    ['network wall', '/api/v1/walls/network/posts', bob.token],
    ['private group wall, with a pinned post', `/api/v1/groups/${group.slug}/posts`, alice.token],
    ['public group wall, anonymously', `/api/v1/groups/${publicGroup.slug}/posts`, null],
    ['profile wall', `/api/v1/profiles/${bob.handle}/posts`, alice.token],
    ['hashtag', '/api/v1/hashtags/campagne/posts', alice.token],
    ['one post', `/api/v1/posts/${postId}`, bob.token],
    ['comments with replies', `/api/v1/posts/${postId}/comments`, bob.token],
  ] as const;

  it('answers each read with what it shows, in one statement', async () => {
    for (const [what, url, as] of reads()) {
      let status = 0;
      let body = '';
      const log = await counter.during(async () => {
        const response = await t.request({ url, as });
        status = response.statusCode;
        body = response.body;
      });
      expect(status, `${what}: ${body.slice(0, 200)}`).toBe(200);
      expect(log.statements, what).toHaveLength(1);
    }
  });

  it('keeps to one statement on a later page', async () => {
    const first = (await t.request({ url: `/api/v1/groups/${group.slug}/posts?limit=2`, as: alice.token })).json();
    expect(first.nextCursor).toEqual(expect.any(String));
    const log = await counter.during(() => t.request({ url: `/api/v1/groups/${group.slug}/posts?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, as: alice.token }));
    expect(log.statements).toHaveLength(1);
  });

  it('still refuses in one statement: a private wall to a non-member, an unknown group', async () => {
    const outsider = await createMember(t);
    const refused = await counter.during(async () => {
      expect((await t.request({ url: `/api/v1/groups/${group.slug}/posts`, as: outsider.token })).statusCode).toBe(403);
      expect((await t.request({ url: '/api/v1/groups/nulle-part/posts', as: outsider.token })).statusCode).toBe(404);
    });
    expect(refused.statements).toHaveLength(2);
  });
});

describe('reads are planned once per connection', () => {
  it('sends a read as a named statement, named by its text, whatever the values', async () => {
    const prepared = await t.db.db.connection().execute(async (connection) => {
      await loadPostsByIds(connection, null, [postId]);
      await loadPostsByIds(connection, { id: alice.id, role: 'member', emailVerified: true } satisfies Viewer, [postId, postId]);
      const { rows } = await sql<{ name: string; statement: string }>`SELECT name, statement FROM pg_prepared_statements`.execute(connection);
      return rows;
    });
    // The connection may have prepared other reads before: the posts-by-id read is there once.
    const text = hydratedPosts(idsSkeleton([postId]), null).compile(t.db.db).sql;
    expect(text.startsWith(PREPARED)).toBe(true);
    const byIds = prepared.filter((row) => row.statement === text);
    expect(byIds).toHaveLength(1);
    expect(byIds[0]!.name).toMatch(/^caucus_/);
  });
});
