import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership, wallCounts, type TestMember } from '../../testing/wall-fixtures.ts';

let t: TestApp;
let author: TestMember;
let reader: TestMember;
let moderator: TestMember;
let group: { id: string; slug: string };

beforeAll(async () => {
  t = await createTestApp();
  [author, reader, moderator] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
  group = await insertGroup(t, 'private');
  await setMembership(t, group.id, author.id, 'active');
  await setMembership(t, group.id, reader.id, 'active');
  await setMembership(t, group.id, moderator.id, 'active', 'moderator');
});
afterAll(() => t.close());

async function newPost(): Promise<string> {
  const response = await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: author.token, payload: { body: 'Un sujet' } });
  expect(response.statusCode).toBe(201);
  return response.json().id;
}
const comment = (as: string, postId: string, payload: object) => t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, as, payload });
const commentCount = async (postId: string) => (await t.db.db.selectFrom('posts').select('comment_count').where('id', '=', postId).executeTakeFirstOrThrow()).comment_count;
const notificationsOf = (memberId: string) => t.db.db.selectFrom('notifications').select(['kind', 'post_id', 'comment_id', 'actor_id']).where('recipient_id', '=', memberId).execute();

describe('comments', () => {
  it('adds comments and one level of replies, counted on the post, listed oldest first with their replies', async () => {
    const postId = await newPost();
    const first = await comment(reader.token, postId, { body: 'Premier *avis*' });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ postId, parentId: null, author: { id: reader.id }, bodyHtml: '<p>Premier <em>avis</em></p>', deleted: false, viewer: { canEdit: true, canDelete: true, body: 'Premier *avis*' } });
    const second = (await comment(author.token, postId, { body: 'Second' })).json();
    const reply = await comment(author.token, postId, { body: 'Réponse', parentId: first.json().id });
    expect(reply.statusCode).toBe(201);
    expect(reply.json().parentId).toBe(first.json().id);
    expect(await commentCount(postId)).toBe(3);

    const page = (await t.request({ url: `/api/v1/posts/${postId}/comments`, as: moderator.token })).json();
    expect(page.threads.map((thread: { comment: { id: string } }) => thread.comment.id)).toEqual([first.json().id, second.id]);
    expect(page.threads[0].replies.map((r: { id: string }) => r.id)).toEqual([reply.json().id]);
    expect(page.threads[1].replies).toEqual([]);
    expect(page.threads[0].comment.viewer).toEqual({ canEdit: false, canDelete: true }); // a group moderator
    expect((await t.request({ url: `/api/v1/posts/${postId}`, as: reader.token })).json().commentCount).toBe(3);
  });

  it('notifies the post author of a comment, and the parent comment author of a reply', async () => {
    const postId = await newPost();
    const top = (await comment(reader.token, postId, { body: 'Question' })).json();
    await t.app.notifications.idle();
    expect(await notificationsOf(author.id)).toContainEqual({ kind: 'comment', post_id: postId, comment_id: top.id, actor_id: reader.id });
    const answer = (await comment(moderator.token, postId, { body: 'Réponse', parentId: top.id })).json();
    expect(await notificationsOf(reader.id)).toContainEqual({ kind: 'reply', post_id: postId, comment_id: answer.id, actor_id: moderator.id });
    expect(await notificationsOf(author.id)).toContainEqual({ kind: 'comment', post_id: postId, comment_id: answer.id, actor_id: moderator.id });
    // Nobody is notified of their own comment.
    const own = (await comment(author.token, postId, { body: 'Moi-même' })).json();
    expect((await notificationsOf(author.id)).some((n) => n.comment_id === own.id)).toBe(false);
  });

  it('refuses a reply to a reply (reply_depth), a parent of another post, an unknown parent, blank and long bodies: nothing written', async () => {
    const postId = await newPost();
    const otherPost = await newPost();
    const top = (await comment(reader.token, postId, { body: 'Haut' })).json();
    const reply = (await comment(author.token, postId, { body: 'Bas', parentId: top.id })).json();
    const elsewhere = (await comment(author.token, otherPost, { body: 'Ailleurs' })).json();
    const before = await wallCounts(t);
    const deep = await comment(reader.token, postId, { body: 'Trop profond', parentId: reply.id });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error).toBe('reply_depth');
    const foreign = await comment(reader.token, postId, { body: 'Mauvais fil', parentId: elsewhere.id });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().fields.parentId).toBeDefined();
    expect((await comment(reader.token, postId, { body: 'x', parentId: '01900000-0000-7000-8000-000000000000' })).statusCode).toBe(400);
    expect((await comment(reader.token, postId, { body: 'x', parentId: 'nope' })).statusCode).toBe(400);
    expect((await comment(reader.token, postId, { body: '' })).statusCode).toBe(400);
    expect((await comment(reader.token, postId, { body: '  ' })).statusCode).toBe(400);
    expect((await comment(reader.token, postId, { body: 'x'.repeat(4001) })).statusCode).toBe(400);
    expect((await comment(reader.token, '01900000-0000-7000-8000-000000000000', { body: 'x' })).statusCode).toBe(404);
    expect(await wallCounts(t)).toEqual(before);
  });

  it('refuses comments from outside the group (404: the post is not theirs to know) and from a visitor (401)', async () => {
    const postId = await newPost();
    const outsider = await createMember(t);
    const before = await wallCounts(t);
    expect((await comment(outsider.token, postId, { body: 'x' })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, payload: { body: 'x' } })).statusCode).toBe(401);
    expect((await t.request({ url: `/api/v1/posts/${postId}/comments`, as: outsider.token })).statusCode).toBe(404);
    expect(await wallCounts(t)).toEqual(before);
  });

  it('edits by the author only, marks the comment edited', async () => {
    const postId = await newPost();
    const mine = (await comment(reader.token, postId, { body: 'Avant' })).json();
    expect((await t.request({ method: 'PATCH', url: `/api/v1/comments/${mine.id}`, as: moderator.token, payload: { body: 'x' } })).statusCode).toBe(403);
    const edited = await t.request({ method: 'PATCH', url: `/api/v1/comments/${mine.id}`, as: reader.token, payload: { body: 'Après' } });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ bodyHtml: '<p>Après</p>', deleted: false });
    expect(edited.json().editedAt).not.toBeNull();
    expect((await t.request({ method: 'PATCH', url: `/api/v1/comments/${mine.id}`, as: reader.token, payload: { body: '' } })).statusCode).toBe(400);
    expect((await t.request({ method: 'PATCH', url: '/api/v1/comments/01900000-0000-7000-8000-000000000000', as: reader.token, payload: { body: 'x' } })).statusCode).toBe(404);
  });

  it('keeps a deleted comment with replies as a placeholder without text; drops one without; deleting twice is a 404', async () => {
    const postId = await newPost();
    const parent = (await comment(reader.token, postId, { body: 'Parent secret' })).json();
    const child = (await comment(author.token, postId, { body: 'Enfant', parentId: parent.id })).json();
    const lonely = (await comment(reader.token, postId, { body: 'Seul' })).json();
    expect(await commentCount(postId)).toBe(3);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/comments/${parent.id}`, as: author.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/comments/${parent.id}`, as: reader.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/comments/${lonely.id}`, as: moderator.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/comments/${lonely.id}`, as: moderator.token })).statusCode).toBe(404);
    expect(await commentCount(postId)).toBe(1);

    const page = (await t.request({ url: `/api/v1/posts/${postId}/comments`, as: reader.token })).json();
    expect(page.threads).toHaveLength(1);
    expect(page.threads[0].comment).toMatchObject({ id: parent.id, deleted: true, bodyHtml: '', editedAt: null, viewer: { canEdit: false, canDelete: false } });
    expect(JSON.stringify(page)).not.toContain('Parent secret');
    expect(page.threads[0].replies.map((r: { id: string }) => r.id)).toEqual([child.id]);
    // Replying to a deleted comment is refused.
    expect((await comment(reader.token, postId, { body: 'x', parentId: parent.id })).statusCode).toBe(400);

    // Once its last reply goes, the placeholder goes too.
    await t.request({ method: 'DELETE', url: `/api/v1/comments/${child.id}`, as: author.token });
    expect((await t.request({ url: `/api/v1/posts/${postId}/comments`, as: reader.token })).json().threads).toEqual([]);
    expect(await commentCount(postId)).toBe(0);
  });

  it('pages top-level comments by cursor to the same list as one full read; a malformed cursor is a 400', async () => {
    const postId = await newPost();
    for (let i = 0; i < 7; i += 1) await comment(reader.token, postId, { body: `c${i}` });
    const full = (await t.request({ url: `/api/v1/posts/${postId}/comments?limit=100`, as: reader.token })).json().threads.map((th: { comment: { id: string } }) => th.comment.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { threads: Array<{ comment: { id: string } }>; nextCursor: string | null } = (await t.request({ url: `/api/v1/posts/${postId}/comments?limit=3${cursor ? `&cursor=${cursor}` : ''}`, as: reader.token })).json();
      seen.push(...page.threads.map((th: { comment: { id: string } }) => th.comment.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(full);
    expect(full).toHaveLength(7);
    expect((await t.request({ url: `/api/v1/posts/${postId}/comments?cursor=zzz`, as: reader.token })).statusCode).toBe(400);
  });

  it('are gone with their post: listing or commenting a deleted post is a 404', async () => {
    const postId = await newPost();
    await comment(reader.token, postId, { body: 'x' });
    await t.request({ method: 'DELETE', url: `/api/v1/posts/${postId}`, as: author.token });
    expect((await t.request({ url: `/api/v1/posts/${postId}/comments`, as: reader.token })).statusCode).toBe(404);
    expect((await comment(reader.token, postId, { body: 'x' })).statusCode).toBe(404);
  });
});
