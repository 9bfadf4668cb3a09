import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { follow, insertGroup, leaveGroup, setMembership, setNetworkRole, wallCounts, type TestMember } from '../../testing/wall-fixtures.ts';

let t: TestApp;
let alice: TestMember; // organizer of the group
let bob: TestMember; // member of the group
let admin: TestMember;
let group: { id: string; slug: string };

beforeAll(async () => {
  t = await createTestApp();
  [alice, bob, admin] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
  await setNetworkRole(t, admin.id, 'admin');
  group = await insertGroup(t, 'private');
  await setMembership(t, group.id, alice.id, 'active', 'organizer');
  await setMembership(t, group.id, bob.id, 'active');
});
afterAll(() => t.close());

const post = (as: string, url: string, body: string) => t.request({ method: 'POST', url: `/api/v1${url}`, as, payload: { body } });
const groupRow = () => t.db.db.selectFrom('groups').select(['post_count', 'last_activity_at']).where('id', '=', group.id).executeTakeFirstOrThrow();

describe('posting on a group wall', () => {
  it('creates the post (201), counts it in the group and shows it on the wall, newest first', async () => {
    const before = await groupRow();
    const first = await post(bob.token, `/groups/${group.slug}/posts`, 'Premier **message**');
    expect(first.statusCode).toBe(201);
    const created = first.json();
    expect(created).toMatchObject({
      wall: { kind: 'group', group: { id: group.id, slug: group.slug, visibility: 'private' } },
      author: { id: bob.id, handle: bob.handle },
      bodyHtml: '<p>Premier <strong>message</strong></p>',
      editedAt: null, pinnedAt: null, commentCount: 0, reactions: {}, reactionCount: 0,
      viewer: { reaction: null, canEdit: true, canDelete: true, canPin: false, canComment: true, canReact: true, body: 'Premier **message**' },
    });
    const second = (await post(alice.token, `/groups/${group.slug}/posts`, 'Deuxième')).json();
    const after = await groupRow();
    expect(after.post_count).toBe(before.post_count + 2);
    expect(after.last_activity_at.getTime()).toBeGreaterThanOrEqual(before.last_activity_at.getTime());

    const wall = await t.request({ url: `/api/v1/groups/${group.slug}/posts`, as: bob.token });
    expect(wall.statusCode).toBe(200);
    expect(wall.json().posts.slice(0, 2).map((p: { id: string }) => p.id)).toEqual([second.id, created.id]);
    expect(wall.json().pinned).toEqual([]);
    // Another reader sees the same post, with their own rights.
    expect(wall.json().posts[0].viewer).toMatchObject({ canEdit: false, canDelete: false });
    expect(wall.json().posts[0].viewer.body).toBeUndefined();
  });

  it('refuses a blank, an empty, an over-long or a wrongly shaped body, writing nothing', async () => {
    const before = await wallCounts(t);
    for (const payload of [{ body: '' }, { body: '   \n ' }, { body: 'x'.repeat(10_001) }, { body: 42 }, {}, { body: 'ok', extra: 1 }]) {
      const response = await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: bob.token, payload });
      expect(response.statusCode, JSON.stringify(payload).slice(0, 40)).toBe(400);
      expect(response.json().message).toMatch(/\w/);
    }
    expect(await wallCounts(t)).toEqual(before);
  });

  it('answers 401 to a visitor, 403 to a non-member of a private group, 404 for an unknown group, writing nothing', async () => {
    const outsider = await createMember(t);
    const before = await wallCounts(t);
    expect((await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, payload: { body: 'x' } })).statusCode).toBe(401);
    const refused = await post(outsider.token, `/groups/${group.slug}/posts`, 'x');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toBe('not_allowed_on_wall');
    expect((await post(outsider.token, '/groups/nope-nope/posts', 'x')).statusCode).toBe(404);
    expect(await wallCounts(t)).toEqual(before);
  });

  it('refuses a post from a member who has left the group, and writes nothing', async () => {
    const leaver = await createMember(t);
    await setMembership(t, group.id, leaver.id, 'active');
    expect((await post(leaver.token, `/groups/${group.slug}/posts`, 'avant')).statusCode).toBe(201);
    await leaveGroup(t, group.id, leaver.id);
    const before = await wallCounts(t);
    const groupBefore = await groupRow();
    const refused = await post(leaver.token, `/groups/${group.slug}/posts`, 'après');
    expect(refused.statusCode).toBe(403);
    expect(await wallCounts(t)).toEqual(before);
    expect((await groupRow()).post_count).toBe(groupBefore.post_count);
  });
});

describe('one post', () => {
  it('is read by id; unknown, malformed or unreadable ids are 404 or 400', async () => {
    const created = (await post(bob.token, `/groups/${group.slug}/posts`, 'Lisible')).json();
    expect((await t.request({ url: `/api/v1/posts/${created.id}`, as: alice.token })).json().id).toBe(created.id);
    const outsider = await createMember(t);
    const hidden = await t.request({ url: `/api/v1/posts/${created.id}`, as: outsider.token });
    expect(hidden.statusCode).toBe(404);
    const unknown = await t.request({ url: '/api/v1/posts/01900000-0000-7000-8000-000000000000', as: alice.token });
    expect(unknown.statusCode).toBe(404);
    expect(hidden.json()).toEqual(unknown.json()); // not-for-you and unknown answer alike
    expect((await t.request({ url: '/api/v1/posts/not-a-uuid', as: alice.token })).statusCode).toBe(400);
  });

  it('is edited by its author only, and shows as edited', async () => {
    const created = (await post(bob.token, `/groups/${group.slug}/posts`, 'Avant #ancien')).json();
    const before = await wallCounts(t);
    const byOther = await t.request({ method: 'PATCH', url: `/api/v1/posts/${created.id}`, as: alice.token, payload: { body: 'piraté' } });
    expect(byOther.statusCode).toBe(403);
    expect(await wallCounts(t)).toEqual(before);
    const edited = await t.request({ method: 'PATCH', url: `/api/v1/posts/${created.id}`, as: bob.token, payload: { body: 'Après #nouveau' } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().editedAt).not.toBeNull();
    expect(edited.json().bodyHtml).toContain('href="/hashtags/nouveau"');
    const tags = await t.db.db.selectFrom('post_hashtags').select('tag').where('post_id', '=', created.id).execute();
    expect(tags.map((row) => row.tag)).toEqual(['nouveau']);
    expect((await t.request({ method: 'PATCH', url: `/api/v1/posts/${created.id}`, as: bob.token, payload: { body: ' ' } })).statusCode).toBe(400);
  });

  it('is soft-deleted by its author: gone from the wall at once, counted out of the group; deleting twice is a 404', async () => {
    const created = (await post(bob.token, `/groups/${group.slug}/posts`, 'À effacer #efface')).json();
    const countBefore = (await groupRow()).post_count;
    const byOther = await createMember(t);
    await setMembership(t, group.id, byOther.id, 'active');
    expect((await t.request({ method: 'DELETE', url: `/api/v1/posts/${created.id}`, as: byOther.token })).statusCode).toBe(403);
    const deleted = await t.request({ method: 'DELETE', url: `/api/v1/posts/${created.id}`, as: bob.token });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ ok: true });
    expect((await t.request({ method: 'DELETE', url: `/api/v1/posts/${created.id}`, as: bob.token })).statusCode).toBe(404);
    expect((await groupRow()).post_count).toBe(countBefore - 1);
    const row = await t.db.db.selectFrom('posts').select('deleted_at').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    const wall = (await t.request({ url: `/api/v1/groups/${group.slug}/posts?limit=100`, as: bob.token })).json();
    expect(wall.posts.map((p: { id: string }) => p.id)).not.toContain(created.id);
    expect((await t.request({ url: `/api/v1/posts/${created.id}`, as: bob.token })).statusCode).toBe(404);
    expect((await t.request({ url: '/api/v1/hashtags/efface/posts', as: bob.token })).statusCode).toBe(404);
  });

  it('is deleted by an organizer of its group, not edited by them', async () => {
    const created = (await post(bob.token, `/groups/${group.slug}/posts`, 'Modéré')).json();
    expect((await t.request({ method: 'PATCH', url: `/api/v1/posts/${created.id}`, as: alice.token, payload: { body: 'x' } })).statusCode).toBe(403);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/posts/${created.id}`, as: alice.token })).statusCode).toBe(200);
  });
});

describe('pinning', () => {
  it('puts a post first, apart, on the first page only; organizers only; at most five', async () => {
    const pinGroup = await insertGroup(t, 'public');
    await setMembership(t, pinGroup.id, alice.id, 'active', 'organizer');
    await setMembership(t, pinGroup.id, bob.id, 'active');
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push((await post(bob.token, `/groups/${pinGroup.slug}/posts`, `n°${i}`)).json().id);
    expect((await t.request({ method: 'PUT', url: `/api/v1/posts/${ids[0]}/pin`, as: bob.token })).statusCode).toBe(403);
    const pinned = await t.request({ method: 'PUT', url: `/api/v1/posts/${ids[0]}/pin`, as: alice.token });
    expect(pinned.statusCode).toBe(200);
    expect(pinned.json().pinnedAt).not.toBeNull();
    // Pinning again changes nothing.
    expect((await t.request({ method: 'PUT', url: `/api/v1/posts/${ids[0]}/pin`, as: alice.token })).json().pinnedAt).toBe(pinned.json().pinnedAt);

    const first = (await t.request({ url: `/api/v1/groups/${pinGroup.slug}/posts?limit=3`, as: bob.token })).json();
    expect(first.pinned.map((p: { id: string }) => p.id)).toEqual([ids[0]]);
    expect(first.posts.map((p: { id: string }) => p.id)).toEqual([ids[6], ids[5], ids[4]]);
    const next = (await t.request({ url: `/api/v1/groups/${pinGroup.slug}/posts?limit=3&cursor=${first.nextCursor}`, as: bob.token })).json();
    expect(next.pinned).toBeUndefined();
    expect(next.posts.map((p: { id: string }) => p.id)).toEqual([ids[3], ids[2], ids[1]]);

    for (const id of ids.slice(1, 5)) expect((await t.request({ method: 'PUT', url: `/api/v1/posts/${id}/pin`, as: alice.token })).statusCode).toBe(200);
    const sixth = await t.request({ method: 'PUT', url: `/api/v1/posts/${ids[5]}/pin`, as: alice.token });
    expect(sixth.statusCode).toBe(409);
    expect(sixth.json().error).toBe('too_many');
    const unpinned = await t.request({ method: 'DELETE', url: `/api/v1/posts/${ids[0]}/pin`, as: alice.token });
    expect(unpinned.json().pinnedAt).toBeNull();
    expect((await t.request({ method: 'PUT', url: `/api/v1/posts/${ids[5]}/pin`, as: admin.token })).statusCode).toBe(200);
  });
});

describe('the network wall', () => {
  it('is written by admins, read by verified members, refused to visitors and unverified accounts', async () => {
    expect((await post(bob.token, '/walls/network/posts', 'Moi ?')).statusCode).toBe(403);
    const created = await post(admin.token, '/walls/network/posts', 'Annonce de la campagne');
    expect(created.statusCode).toBe(201);
    expect(created.json().wall).toEqual({ kind: 'network' });
    const read = await t.request({ url: '/api/v1/walls/network/posts', as: bob.token });
    expect(read.json().posts[0].id).toBe(created.json().id);
    expect(read.json().posts[0].viewer).toMatchObject({ canComment: true, canPin: false });
    expect((await t.request({ url: '/api/v1/walls/network/posts' })).statusCode).toBe(401);
    const { sessionFor } = await import('../../testing/test-app.ts');
    const unverified = await createMember(t, { verified: false });
    expect((await t.request({ url: '/api/v1/walls/network/posts', as: await sessionFor(t, unverified.id) })).statusCode).toBe(403);
  });
});

describe('profile walls', () => {
  it('are written by their owner and by the members the owner follows', async () => {
    const owner = await createMember(t);
    const friend = await createMember(t);
    const stranger = await createMember(t);
    await follow(t, owner.id, friend.id);
    const mine = await post(owner.token, `/profiles/${owner.handle}/posts`, 'Chez moi');
    expect(mine.statusCode).toBe(201);
    expect(mine.json().wall).toMatchObject({ kind: 'profile', profile: { id: owner.id, handle: owner.handle } });
    expect((await post(friend.token, `/profiles/${owner.handle}/posts`, 'Coucou')).statusCode).toBe(201);
    const before = await wallCounts(t);
    expect((await post(stranger.token, `/profiles/${owner.handle}/posts`, 'Intrus')).statusCode).toBe(403);
    expect(await wallCounts(t)).toEqual(before);
    const wall = (await t.request({ url: `/api/v1/profiles/${owner.handle}/posts`, as: stranger.token })).json();
    expect(wall.posts).toHaveLength(2);
    expect(wall.posts[0].viewer.canComment).toBe(true);
    // The page says who may post there, for the composer: the owner and the followed friend, not the stranger.
    expect(wall.canPost).toBe(false);
    for (const writer of [owner, friend]) {
      expect((await t.request({ url: `/api/v1/profiles/${owner.handle}/posts`, as: writer.token })).json().canPost).toBe(true);
    }
    // A members-only profile is not there for a visitor.
    expect((await t.request({ url: `/api/v1/profiles/${owner.handle}/posts` })).statusCode).toBe(404);
    expect((await t.request({ url: '/api/v1/profiles/personne_ici/posts', as: stranger.token })).statusCode).toBe(404);
  });
});

describe('paging', () => {
  it('pages a wall by cursor to the same list as one full read; a malformed cursor is a 400', async () => {
    const paged = await insertGroup(t, 'public');
    await setMembership(t, paged.id, bob.id, 'active');
    for (let i = 0; i < 11; i += 1) await post(bob.token, `/groups/${paged.slug}/posts`, `page ${i}`);
    const full = (await t.request({ url: `/api/v1/groups/${paged.slug}/posts?limit=100`, as: bob.token })).json().posts.map((p: { id: string }) => p.id);
    expect(full).toHaveLength(11);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { posts: Array<{ id: string }>; nextCursor: string | null } = (await t.request({ url: `/api/v1/groups/${paged.slug}/posts?limit=4${cursor ? `&cursor=${cursor}` : ''}`, as: bob.token })).json();
      seen.push(...page.posts.map((p: { id: string }) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(full);
    for (const bad of ['garbage', Buffer.from('["x","y"]').toString('base64url'), Buffer.from(`["2026-13-45 00:00:00+00","${full[0]}"]`).toString('base64url')]) {
      const response = await t.request({ url: `/api/v1/groups/${paged.slug}/posts?cursor=${bad}`, as: bob.token });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_cursor');
    }
    expect((await t.request({ url: `/api/v1/groups/${paged.slug}/posts?limit=0`, as: bob.token })).statusCode).toBe(400);
  });
});

describe('rate limit', () => {
  it('stops a member past 30 posts a minute, and only that member', async () => {
    const busy = await createMember(t);
    const calm = await createMember(t);
    const limited = await insertGroup(t, 'public');
    await setMembership(t, limited.id, busy.id, 'active');
    await setMembership(t, limited.id, calm.id, 'active');
    for (let i = 0; i < 30; i += 1) expect((await post(busy.token, `/groups/${limited.slug}/posts`, `spam ${i}`)).statusCode).toBe(201);
    const before = await wallCounts(t);
    const refused = await post(busy.token, `/groups/${limited.slug}/posts`, 'encore');
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('rate_limited');
    expect(await wallCounts(t)).toEqual(before);
    expect((await post(calm.token, `/groups/${limited.slug}/posts`, 'calme')).statusCode).toBe(201);
  });
});
