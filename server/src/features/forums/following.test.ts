import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCalls } from '../../testing/api-calls.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, leaveGroup, setMembership, type TestMember } from '../../testing/wall-fixtures.ts';

// How a member follows threads (watching, tracking, normal, muted) and keeps bookmarks: both only on
// what they may read, and a bookmark of what they may no longer read drops out of their list.

let t: TestApp;
const { api, ok } = apiCalls(() => t);
let organizer: TestMember;
let alice: TestMember;
let bob: TestMember;
let group: { id: string; slug: string };
let forum: string;
let thread: string;

const level = async (who: TestMember) => (await ok<{ thread: { viewer: { level: string } } }>(api('GET', `/threads/${thread}`, who.token))).thread.viewer.level;
const listed = async (who: TestMember) => (await ok<{ threads: Array<{ id: string }> }>(api('GET', `${forum}/categories/debats/threads`, who.token))).threads.map((x) => x.id);

beforeAll(async () => {
  t = await createTestApp();
  [organizer, alice, bob] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
  group = await insertGroup(t, 'private');
  forum = `/groups/${group.slug}/forum`;
  await setMembership(t, group.id, organizer.id, 'active', 'organizer');
  for (const member of [alice, bob]) await setMembership(t, group.id, member.id, 'active');
  await ok(api('POST', `${forum}/categories`, organizer.token, { name: 'Débats' }), 201);
  thread = (await ok<{ id: string }>(api('POST', `${forum}/categories/debats/threads`, alice.token, { title: 'Le marché de Noël', body: 'Qui tient le stand ?' }), 201)).id;
});
afterAll(() => t.close());

describe('following a thread', () => {
  it('starts watching for its author, tracking for a replier, normal for the others', async () => {
    await ok(api('POST', `/threads/${thread}/posts`, bob.token, { body: 'Moi samedi' }), 201);
    expect([await level(alice), await level(bob), await level(organizer)]).toEqual(['watching', 'tracking', 'normal']);
  });

  it('mutes a thread out of the lists and the unread counts, and brings it back', async () => {
    expect(await listed(organizer)).toContain(thread);
    expect((await ok<{ level: string }>(api('PUT', `/threads/${thread}/level`, organizer.token, { level: 'muted' }))).level).toBe('muted');
    expect(await listed(organizer)).not.toContain(thread);
    const { categories } = await ok<{ categories: Array<{ unreadThreads: number }> }>(api('GET', forum, organizer.token));
    expect(categories[0]!.unreadThreads).toBe(0);
    await ok(api('PUT', `/threads/${thread}/level`, organizer.token, { level: 'normal' }));
    expect(await listed(organizer)).toContain(thread);
    expect(await level(organizer)).toBe('normal');
    expect((await api('PUT', `/threads/${thread}/level`, organizer.token, { level: 'loud' })).statusCode).toBe(400);
    const stranger = await createMember(t);
    expect((await api('PUT', `/threads/${thread}/level`, stranger.token, { level: 'watching' })).statusCode).toBe(404);
  });
});

describe('bookmarks', () => {
  it('keeps posts to come back to, newest first, and drops what the member may no longer read', async () => {
    const { posts } = await ok<{ posts: Array<{ id: string }> }>(api('GET', `/threads/${thread}`, bob.token));
    for (const post of [posts[0]!, posts[1]!, posts[1]!]) await ok(api('PUT', `/forum-posts/${post.id}/bookmark`, bob.token));
    const list = await ok<{ bookmarks: Array<{ post: { id: string; viewer: { bookmarked: boolean } }; thread: { title: string } }> }>(api('GET', '/me/bookmarks', bob.token));
    expect(list.bookmarks.map((b) => b.post.id)).toEqual([posts[1]!.id, posts[0]!.id]);
    expect(list.bookmarks[0]).toMatchObject({ thread: { title: 'Le marché de Noël' }, post: { viewer: { bookmarked: true } } });
    await ok(api('DELETE', `/forum-posts/${posts[0]!.id}/bookmark`, bob.token));
    expect((await ok<{ bookmarks: unknown[] }>(api('GET', '/me/bookmarks', bob.token))).bookmarks).toHaveLength(1);
    const stranger = await createMember(t);
    expect((await api('PUT', `/forum-posts/${posts[0]!.id}/bookmark`, stranger.token)).statusCode).toBe(404);
    expect((await api('GET', '/me/bookmarks', null)).statusCode).toBe(401);
    await leaveGroup(t, group.id, bob.id);
    expect((await ok<{ bookmarks: unknown[] }>(api('GET', '/me/bookmarks', bob.token))).bookmarks).toEqual([]);
  });
});
