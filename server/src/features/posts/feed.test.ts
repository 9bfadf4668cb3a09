import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '#core/ids.ts';
import { createMember, createTestApp, sessionFor, type TestApp } from '../../testing/test-app.ts';
import { follow, insertGroup, setMembership, setNetworkRole, type TestMember } from '../../testing/wall-fixtures.ts';
import { homeFeedQuery } from './feed-queries.ts';

let t: TestApp;
let viewer: TestMember;
let followee: TestMember;
let stranger: TestMember;
let admin: TestMember;
let friendOfFollowee: TestMember;
const groups = {} as Record<'mine' | 'minePrivate' | 'otherPrivate' | 'otherPublic' | 'secret', { id: string; slug: string }>;
const expected: string[] = [];
const named: Record<string, string> = {};
const excluded: string[] = [];

const post = async (as: TestMember, url: string, body: string) => {
  const response = await t.request({ method: 'POST', url: `/api/v1${url}`, as: as.token, payload: { body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
};
const ids = (page: { posts: Array<{ id: string }> }) => page.posts.map((p) => p.id);

beforeAll(async () => {
  t = await createTestApp();
  [viewer, followee, stranger, admin, friendOfFollowee] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t), createMember(t)]);
  await setNetworkRole(t, admin.id, 'admin');
  groups.mine = await insertGroup(t, 'public');
  groups.minePrivate = await insertGroup(t, 'private');
  groups.otherPrivate = await insertGroup(t, 'private');
  groups.otherPublic = await insertGroup(t, 'public');
  groups.secret = await insertGroup(t, 'secret');
  for (const g of Object.values(groups)) {
    await setMembership(t, g.id, followee.id, 'active');
    await setMembership(t, g.id, stranger.id, 'active');
  }
  await setMembership(t, groups.mine.id, viewer.id, 'active');
  await setMembership(t, groups.minePrivate.id, viewer.id, 'active');
  await setMembership(t, groups.otherPrivate.id, viewer.id, 'pending');
  await follow(t, viewer.id, followee.id);
  await follow(t, friendOfFollowee.id, followee.id); // lets the followee write on their wall

  expected.push(named.network = await post(admin, '/walls/network/posts', 'Annonce'));
  expected.push(await post(stranger, `/groups/${groups.mine.slug}/posts`, 'Dans mon groupe public'));
  expected.push(named.minePrivate = await post(stranger, `/groups/${groups.minePrivate.slug}/posts`, 'Dans mon groupe privé'));
  expected.push(await post(followee, `/groups/${groups.mine.slug}/posts`, 'Suivi, dans mon groupe (une seule fois)'));
  expected.push(await post(followee, `/groups/${groups.otherPublic.slug}/posts`, 'Suivi, groupe public'));
  excluded.push(await post(followee, `/groups/${groups.otherPrivate.slug}/posts`, 'Suivi, groupe privé où je ne suis pas'));
  excluded.push(await post(followee, `/groups/${groups.secret.slug}/posts`, 'Suivi, groupe secret'));
  excluded.push(await post(stranger, `/groups/${groups.otherPublic.slug}/posts`, 'Inconnu, groupe public'));
  expected.push(await post(followee, `/profiles/${followee.handle}/posts`, 'Suivi, son mur'));
  expected.push(await post(followee, `/profiles/${friendOfFollowee.handle}/posts`, 'Suivi, sur le mur d’un autre'));
  excluded.push(await post(stranger, `/profiles/${stranger.handle}/posts`, 'Inconnu, son mur'));
  expected.push(await post(viewer, `/profiles/${viewer.handle}/posts`, 'Moi, mon mur'));
  const deleted = await post(stranger, `/groups/${groups.mine.slug}/posts`, 'Effacé');
  await t.request({ method: 'DELETE', url: `/api/v1/posts/${deleted}`, as: stranger.token });
  excluded.push(deleted);
  expected.reverse(); // newest first
});
afterAll(() => t.close());

describe('the home feed', () => {
  it('holds the network wall, my groups, and what the members I follow post where I may read it: nothing else', async () => {
    const page = (await t.request({ url: '/api/v1/feed?limit=100', as: viewer.token })).json();
    expect(ids(page)).toEqual(expected);
    for (const id of excluded) expect(ids(page)).not.toContain(id);
    expect(page.nextCursor).toBeNull();
    expect(page.posts[0].viewer).toMatchObject({ canEdit: true }); // my own post, newest
  });

  it('pages by cursor to exactly the full read', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await t.request({ url: `/api/v1/feed?limit=2${cursor ? `&cursor=${cursor}` : ''}`, as: viewer.token });
      expect(response.statusCode).toBe(200);
      seen.push(...ids(response.json()));
      cursor = response.json().nextCursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 2));
    expect((await t.request({ url: '/api/v1/feed?cursor=nope', as: viewer.token })).statusCode).toBe(400);
  });

  it('loses a group when I leave it, and the followee when I unfollow', async () => {
    const other = await createMember(t);
    await setMembership(t, groups.minePrivate.id, other.id, 'active');
    await follow(t, other.id, followee.id);
    const before = ids((await t.request({ url: '/api/v1/feed?limit=100', as: other.token })).json());
    expect(before).toContain(named.minePrivate);
    await t.db.db.deleteFrom('group_members').where('member_id', '=', other.id).execute();
    const unfollowed = await t.request({ method: 'DELETE', url: `/api/v1/profiles/${followee.handle}/follow`, as: other.token });
    expect(unfollowed.statusCode).toBe(200);
    const after = ids((await t.request({ url: '/api/v1/feed?limit=100', as: other.token })).json());
    expect(after).toEqual([named.network]);
  });

  it('is for signed-in members with a verified address', async () => {
    expect((await t.request({ url: '/api/v1/feed' })).statusCode).toBe(401);
    const unverified = await createMember(t, { verified: false });
    expect((await t.request({ url: '/api/v1/feed', as: await sessionFor(t, unverified.id) })).statusCode).toBe(403);
  });
});

describe('a hashtag page', () => {
  it('lists only the posts each viewer may read', async () => {
    const tagged = {
      network: await post(admin, '/walls/network/posts', 'Réseau #commun'),
      mine: await post(stranger, `/groups/${groups.mine.slug}/posts`, 'Public #commun'),
      otherPrivate: await post(stranger, `/groups/${groups.otherPrivate.slug}/posts`, 'Privé #Commun'),
      secret: await post(stranger, `/groups/${groups.secret.slug}/posts`, 'Secret #COMMUN'),
      profile: await post(stranger, `/profiles/${stranger.handle}/posts`, 'Mur réservé aux membres #commun'),
    };
    const moderator = await createMember(t);
    await setNetworkRole(t, moderator.id, 'moderator');
    const read = async (as: string | null) => new Set(ids((await t.request({ url: '/api/v1/hashtags/commun/posts?limit=100', as })).json()));
    expect(await read(null)).toEqual(new Set([tagged.mine]));
    expect(await read(viewer.token)).toEqual(new Set([tagged.network, tagged.mine, tagged.profile]));
    expect(await read(moderator.token)).toEqual(new Set([tagged.network, tagged.mine, tagged.otherPrivate, tagged.profile]));
    expect(await read(admin.token)).toEqual(new Set(Object.values(tagged)));
    expect(await read(stranger.token)).toEqual(new Set(Object.values(tagged)));
    // A tag whose only posts one may not read answers like a tag nobody used.
    await post(stranger, `/groups/${groups.secret.slug}/posts`, 'Seulement ici #cachette');
    const hidden = await t.request({ url: '/api/v1/hashtags/cachette/posts', as: viewer.token });
    const unknown = await t.request({ url: '/api/v1/hashtags/personne/posts', as: viewer.token });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toEqual(unknown.json());
    expect((await t.request({ url: '/api/v1/hashtags/cachette/posts', as: admin.token })).statusCode).toBe(200);
    // Paging is newest first, by cursor.
    const first = (await t.request({ url: '/api/v1/hashtags/commun/posts?limit=2', as: admin.token })).json();
    const second = (await t.request({ url: `/api/v1/hashtags/commun/posts?limit=2&cursor=${first.nextCursor}`, as: admin.token })).json();
    expect([...ids(first), ...ids(second)]).toEqual([tagged.profile, tagged.secret, tagged.otherPrivate, tagged.mine]);
  });
});

describe('the feed query', () => {
  it('is a union of index scans, the same on the first page and a deep one (EXPLAIN on a few thousand posts)', async () => {
    const reader = await createMember(t);
    const authors = await Promise.all(Array.from({ length: 6 }, () => createMember(t)));
    const busy = await Promise.all(Array.from({ length: 5 }, () => insertGroup(t, 'public')));
    for (const g of busy) await setMembership(t, g.id, reader.id, 'active');
    for (const a of authors.slice(0, 3)) await follow(t, reader.id, a.id);
    const groupIds = busy.map((g) => g.id);
    const authorIds = authors.map((a) => a.id);
    const rows = Array.from({ length: 4000 }, (_, i) => ({
      id: newId(Date.now() - i * 1000),
      author_id: authorIds[i % authorIds.length]!,
      wall: (i % 3 === 0 ? 'profile' : 'group') as 'profile' | 'group',
      group_id: i % 3 === 0 ? null : groupIds[i % groupIds.length]!,
      profile_id: i % 3 === 0 ? authorIds[i % authorIds.length]! : null,
      body: 'x', body_html: '<p>x</p>',
      created_at: new Date(Date.now() - i * 1000),
    }));
    for (let i = 0; i < rows.length; i += 500) await t.db.db.insertInto('posts').values(rows.slice(i, i + 500)).execute();
    await sql`ANALYZE posts`.execute(t.db.db);

    const plan = async (after?: { sortKey: string; id: string }) => {
      const compiled = homeFeedQuery(reader.id, after, 20).compile(t.db.db);
      const { rows: lines } = await t.db.pool.query(`EXPLAIN ${compiled.sql}`, compiled.parameters as unknown[]);
      return lines.map((line: { 'QUERY PLAN': string }) => line['QUERY PLAN']).join('\n');
    };
    const firstPage = await plan();
    const deep = rows[3500]!;
    const deepPage = await plan({ sortKey: deep.created_at.toISOString(), id: deep.id });
    for (const shape of [firstPage, deepPage]) {
      expect(shape).toMatch(/posts_network_wall_idx/);
      expect(shape).toMatch(/posts_group_wall_idx/);
      expect(shape).toMatch(/posts_author_feed_idx/);
      expect(shape).not.toMatch(/Seq Scan on posts/);
    }

    // And the answer is what the plain (slow) OR over posts gives, page after page.
    const { rows: oracle } = await sql<{ id: string }>`
      SELECT p.id FROM posts p WHERE p.deleted_at IS NULL AND (
        p.wall = 'network'
        OR p.group_id IN (SELECT group_id FROM group_members WHERE member_id = ${reader.id} AND state = 'active')
        OR (p.author_id IN (SELECT followee_id FROM follows WHERE follower_id = ${reader.id} UNION SELECT ${reader.id}::uuid)
          AND (p.wall = 'profile' OR EXISTS (SELECT 1 FROM groups g WHERE g.id = p.group_id AND g.visibility = 'public'))))
      ORDER BY p.created_at DESC, p.id DESC`.execute(t.db.db);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { posts: Array<{ id: string }>; nextCursor: string | null } = (await t.request({ url: `/api/v1/feed?limit=100${cursor ? `&cursor=${cursor}` : ''}`, as: reader.token })).json();
      seen.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(oracle.map((row) => row.id));
    expect(seen.length).toBeGreaterThan(3000);
    const page = (await t.request({ url: '/api/v1/feed?limit=50', as: reader.token })).json();
    expect(page.posts).toHaveLength(50);
  });
});
