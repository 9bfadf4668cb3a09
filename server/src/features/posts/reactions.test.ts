import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership, wallCounts, type TestMember } from '../../testing/wall-fixtures.ts';

let t: TestApp;
let author: TestMember;
let lea: TestMember;
let sam: TestMember;
let group: { id: string; slug: string };

beforeAll(async () => {
  t = await createTestApp();
  [author, lea, sam] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
  group = await insertGroup(t, 'public');
  for (const m of [author, lea, sam]) await setMembership(t, group.id, m.id, 'active');
});
afterAll(() => t.close());

async function newPost(): Promise<string> {
  return (await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: author.token, payload: { body: 'Réagissez' } })).json().id;
}
const react = (as: string, postId: string, kind: unknown) => t.request({ method: 'PUT', url: `/api/v1/posts/${postId}/reaction`, as, payload: { kind } });
const unreact = (as: string, postId: string) => t.request({ method: 'DELETE', url: `/api/v1/posts/${postId}/reaction`, as });
const stored = (postId: string) => t.db.db.selectFrom('posts').select('reaction_count').where('id', '=', postId).executeTakeFirstOrThrow();
const reactionNotifications = (postId: string) =>
  t.db.db.selectFrom('notifications').select(['actor_count', 'read_at']).where('recipient_id', '=', author.id).where('kind', '=', 'reaction').where('post_id', '=', postId).execute();

describe('reactions', () => {
  it('counts one reaction per member; reacting again with another kind switches it (a double reaction is a switch, not a second count)', async () => {
    const postId = await newPost();
    const first = await react(lea.token, postId, 'like');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ postId, reactions: { like: 1 }, reactionCount: 1, mine: 'like' });
    expect((await react(sam.token, postId, 'like')).json()).toMatchObject({ reactions: { like: 2 }, reactionCount: 2 });
    const switched = await react(lea.token, postId, 'applause');
    expect(switched.json()).toEqual({ postId, reactions: { like: 1, applause: 1 }, reactionCount: 2, mine: 'applause' });
    const same = await react(lea.token, postId, 'applause');
    expect(same.json()).toEqual(switched.json());
    expect((await stored(postId)).reaction_count).toBe(2);
    const seen = (await t.request({ url: `/api/v1/posts/${postId}`, as: lea.token })).json();
    expect(seen).toMatchObject({ reactions: { like: 1, applause: 1 }, reactionCount: 2, viewer: { reaction: 'applause' } });
  });

  it('removes a reaction; removing one that is not there changes nothing', async () => {
    const postId = await newPost();
    await react(lea.token, postId, 'love');
    const removed = await unreact(lea.token, postId);
    expect(removed.json()).toEqual({ postId, reactions: {}, reactionCount: 0, mine: null });
    const again = await unreact(lea.token, postId);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(removed.json());
    expect((await stored(postId)).reaction_count).toBe(0);
  });

  it('notifies the author on a first reaction only (not on a switch), merged into one unread notification', async () => {
    const postId = await newPost();
    await react(lea.token, postId, 'like');
    await react(lea.token, postId, 'love');
    expect(await reactionNotifications(postId)).toEqual([{ actor_count: 1, read_at: null }]);
    await react(sam.token, postId, 'solidarity');
    expect(await reactionNotifications(postId)).toEqual([{ actor_count: 2, read_at: null }]);
    await react(author.token, postId, 'like'); // one's own
    expect(await reactionNotifications(postId)).toEqual([{ actor_count: 2, read_at: null }]);
  });

  it('refuses an unknown kind, a visitor, a non-member of the group and unknown or deleted posts, writing nothing', async () => {
    const postId = await newPost();
    const outsider = await createMember(t);
    const before = await wallCounts(t);
    for (const kind of ['angry', '', 3, null]) expect((await react(lea.token, postId, kind)).statusCode).toBe(400);
    expect((await t.request({ method: 'PUT', url: `/api/v1/posts/${postId}/reaction`, as: lea.token, payload: {} })).statusCode).toBe(400);
    expect((await t.request({ method: 'PUT', url: `/api/v1/posts/${postId}/reaction`, payload: { kind: 'like' } })).statusCode).toBe(401);
    // A public group is readable by all, but only its members take part.
    const refused = await react(outsider.token, postId, 'like');
    expect(refused.statusCode).toBe(403);
    expect((await react(lea.token, '01900000-0000-7000-8000-000000000000', 'like')).statusCode).toBe(404);
    expect(await wallCounts(t)).toEqual(before);
    await t.request({ method: 'DELETE', url: `/api/v1/posts/${postId}`, as: author.token });
    expect((await react(lea.token, postId, 'like')).statusCode).toBe(404);
  });
});
