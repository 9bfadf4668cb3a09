import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification, NotificationPage } from '@caucus/shared/schemas/notifications.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertComment, insertGroup, insertPost, notify } from './test-helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const list = async (token: string, query = ''): Promise<NotificationPage> => {
  const response = await t.request({ method: 'GET', url: `/api/v1/notifications${query}`, as: token });
  expect(response.statusCode).toBe(200);
  return response.json();
};
const storedRows = (recipientId: string) => t.db.db.selectFrom('notifications').selectAll().where('recipient_id', '=', recipientId).execute();

describe('GET /notifications', () => {
  it('shows a comment on my post with its author, a plain-text excerpt, and counts it unread', async () => {
    const author = await createMember(t);
    const commenter = await createMember(t, { displayName: 'Léa Martin' });
    const postId = await insertPost(t, author.id, 'Réunion **jeudi** au local');
    const commentId = await insertComment(t, postId, commenter.id, "J'y serai, avec **Paul** & <script>alert(1)</script> les tracts !\n\nÀ jeudi");
    await notify(t, [{ recipientId: author.id, kind: 'comment', actorId: commenter.id, postId, commentId }]);

    const page = await list(author.token);
    expect(page.unreadCount).toBe(1);
    expect(page.nextCursor).toBeNull();
    expect(page.notifications).toEqual([{
      id: expect.any(String),
      kind: 'comment',
      actor: { id: commenter.id, handle: commenter.handle, displayName: 'Léa Martin' },
      actorCount: 1,
      group: null,
      postId,
      commentId,
      excerpt: "J'y serai, avec Paul & les tracts ! À jeudi",
      read: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    }]);
  });

  it('cuts a long excerpt at a word, and gives none for a deleted post', async () => {
    const author = await createMember(t);
    const other = await createMember(t);
    const postId = await insertPost(t, author.id, `Début ${'mot '.repeat(100)}fin`);
    await notify(t, [{ recipientId: author.id, kind: 'mention', actorId: other.id, postId }]);
    const [notification] = (await list(author.token)).notifications;
    expect(notification!.excerpt.length).toBeLessThanOrEqual(141);
    expect(notification!.excerpt).toMatch(/^Début mot mot .* mot…$/);

    await t.db.db.updateTable('posts').set({ deleted_at: new Date() }).where('id', '=', postId).execute();
    expect((await list(author.token)).notifications[0]!.excerpt).toBe('');
  });

  it('never notifies members of their own acts', async () => {
    const member = await createMember(t);
    const postId = await insertPost(t, member.id, 'Moi');
    expect(await notify(t, [{ recipientId: member.id, kind: 'comment', actorId: member.id, postId }])).toEqual([]);
    expect(await storedRows(member.id)).toHaveLength(0);
  });

  it('pages newest first by cursor, and a page walk equals one full read', async () => {
    const me = await createMember(t);
    const other = await createMember(t);
    const postId = await insertPost(t, me.id, 'Un post');
    for (let i = 0; i < 7; i += 1) await notify(t, [{ recipientId: me.id, kind: 'mention', actorId: other.id, postId, commentId: await insertComment(t, postId, other.id, `commentaire ${i}`) }]);

    const full = await list(me.token, '?limit=100');
    expect(full.notifications.map((n) => n.excerpt)).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `commentaire ${i}`));
    const walked: Notification[] = [];
    let cursor: string | null = null;
    do {
      const page: NotificationPage = await list(me.token, `?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.notifications.length).toBeLessThanOrEqual(3);
      walked.push(...page.notifications);
      cursor = page.nextCursor;
    } while (cursor);
    expect(walked.map((n) => n.id)).toEqual(full.notifications.map((n) => n.id));
  });

  it('keeps only the unread ones with unread=true', async () => {
    const me = await createMember(t);
    const other = await createMember(t);
    const postId = await insertPost(t, me.id, 'Un post');
    const [first] = await notify(t, [{ recipientId: me.id, kind: 'comment', actorId: other.id, postId, commentId: await insertComment(t, postId, other.id, 'un') }]);
    await notify(t, [{ recipientId: me.id, kind: 'comment', actorId: other.id, postId, commentId: await insertComment(t, postId, other.id, 'deux') }]);
    await t.request({ method: 'POST', url: `/api/v1/notifications/${first!.id}/read`, as: me.token });

    const unread = await list(me.token, '?unread=true');
    expect(unread.notifications.map((n) => n.excerpt)).toEqual(['deux']);
    expect(unread.unreadCount).toBe(1);
    expect((await list(me.token)).notifications).toHaveLength(2);
  });

  it('answers a malformed cursor, limit or filter with a 400 that says what to fix, and a visitor with a 401', async () => {
    const me = await createMember(t);
    for (const query of ['?cursor=not-a-cursor', '?limit=0', '?limit=1000', '?unread=maybe']) {
      const response = await t.request({ method: 'GET', url: `/api/v1/notifications${query}`, as: me.token });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().message, query).toMatch(/cursor|limit|unread/);
    }
    expect((await t.request({ method: 'GET', url: '/api/v1/notifications' })).statusCode).toBe(401);
  });

  it('shows the group of a notification, and hides the text of a group the recipient may no longer read', async () => {
    const me = await createMember(t);
    const other = await createMember(t);
    const group = await insertGroup(t, 'secret', [{ id: me.id }, { id: other.id }]);
    const postId = await insertPost(t, me.id, 'Secret de groupe', group.id);
    await notify(t, [{ recipientId: me.id, kind: 'comment', actorId: other.id, groupId: group.id, postId, commentId: await insertComment(t, postId, other.id, 'Le plan secret') }]);
    expect((await list(me.token)).notifications[0]).toMatchObject({ group: { slug: group.slug, name: group.name }, postId, excerpt: 'Le plan secret' });

    // Banned since: the secret group and its words are gone from the notification.
    await t.db.db.updateTable('group_members').set({ state: 'banned' }).where('member_id', '=', me.id).execute();
    const [notification] = (await list(me.token)).notifications;
    expect(notification).toMatchObject({ kind: 'comment', group: null, postId: null, commentId: null, excerpt: '' });
    expect(JSON.stringify(notification)).not.toContain(group.slug);
  });
});

describe('grouped reactions', () => {
  it('merges reactions to one post into one unread notification, with the latest actor and how many', async () => {
    const author = await createMember(t);
    const [a, b, c] = [await createMember(t), await createMember(t), await createMember(t, { displayName: 'Chloé' })];
    const postId = await insertPost(t, author.id, 'Un post à réactions');
    const first = await notify(t, [{ recipientId: author.id, kind: 'reaction', actorId: a.id, postId }]);
    const second = await notify(t, [{ recipientId: author.id, kind: 'reaction', actorId: b.id, postId }]);
    const third = await notify(t, [{ recipientId: author.id, kind: 'reaction', actorId: c.id, postId }]);
    expect(second[0]!.id).toBe(first[0]!.id);
    expect(third[0]!.id).toBe(first[0]!.id);

    expect(await storedRows(author.id)).toHaveLength(1);
    const page = await list(author.token);
    expect(page.unreadCount).toBe(1);
    expect(page.notifications[0]).toMatchObject({ kind: 'reaction', actorCount: 3, actor: { id: c.id, displayName: 'Chloé' }, postId, excerpt: 'Un post à réactions' });

    // Once read, the next reaction starts a new notification.
    await t.request({ method: 'POST', url: '/api/v1/notifications/read-all', as: author.token });
    const fourth = await notify(t, [{ recipientId: author.id, kind: 'reaction', actorId: a.id, postId }]);
    expect(fourth[0]!.id).not.toBe(first[0]!.id);
    const after = await list(author.token);
    expect(after.notifications.map((n) => [n.actorCount, n.read])).toEqual([[1, false], [3, true]]);
    expect(after.unreadCount).toBe(1);
  });

  it('keeps reactions to two posts apart', async () => {
    const author = await createMember(t);
    const fan = await createMember(t);
    const one = await insertPost(t, author.id, 'Un');
    const two = await insertPost(t, author.id, 'Deux');
    await notify(t, [{ recipientId: author.id, kind: 'reaction', actorId: fan.id, postId: one }]);
    await notify(t, [{ recipientId: author.id, kind: 'reaction', actorId: fan.id, postId: two }]);
    expect((await list(author.token)).notifications.map((n) => n.excerpt)).toEqual(['Deux', 'Un']);
  });
});

describe('marking read', () => {
  it('marks one of mine read and answers the new unread count; anyone else gets a 404 and changes nothing', async () => {
    const me = await createMember(t);
    const stranger = await createMember(t);
    const actor = await createMember(t);
    const postId = await insertPost(t, me.id, 'Post');
    const [one] = await notify(t, [{ recipientId: me.id, kind: 'mention', actorId: actor.id, postId }]);
    await notify(t, [{ recipientId: me.id, kind: 'comment', actorId: actor.id, postId }]);

    const notMine = await t.request({ method: 'POST', url: `/api/v1/notifications/${one!.id}/read`, as: stranger.token });
    expect(notMine.statusCode).toBe(404);
    expect(notMine.json().error).toBe('not_found');
    expect((await list(me.token)).unreadCount).toBe(2);
    expect((await t.request({ method: 'POST', url: `/api/v1/notifications/${randomUUID()}/read`, as: me.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'POST', url: '/api/v1/notifications/123/read', as: me.token })).statusCode).toBe(400);
    expect((await t.request({ method: 'POST', url: `/api/v1/notifications/${one!.id}/read` })).statusCode).toBe(401);

    const read = await t.request({ method: 'POST', url: `/api/v1/notifications/${one!.id}/read`, as: me.token });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ unreadCount: 1 });
    // Twice is fine, and keeps the first reading time.
    const readAt = (await storedRows(me.id)).find((n) => n.id === one!.id)!.read_at;
    expect((await t.request({ method: 'POST', url: `/api/v1/notifications/${one!.id}/read`, as: me.token })).json()).toEqual({ unreadCount: 1 });
    expect((await storedRows(me.id)).find((n) => n.id === one!.id)!.read_at).toEqual(readAt);
    expect((await list(me.token)).notifications.find((n) => n.id === one!.id)!.read).toBe(true);
  });

  it('marks all mine read, and only mine', async () => {
    const me = await createMember(t);
    const other = await createMember(t);
    const actor = await createMember(t);
    const mine = await insertPost(t, me.id, 'Le mien');
    const theirs = await insertPost(t, other.id, 'Le sien');
    await notify(t, [
      { recipientId: me.id, kind: 'comment', actorId: actor.id, postId: mine },
      { recipientId: me.id, kind: 'mention', actorId: actor.id, postId: mine, commentId: await insertComment(t, mine, actor.id, 'x') },
      { recipientId: other.id, kind: 'comment', actorId: actor.id, postId: theirs },
    ]);
    const response = await t.request({ method: 'POST', url: '/api/v1/notifications/read-all', as: me.token });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ unreadCount: 0 });
    expect((await list(me.token)).notifications.every((n) => n.read)).toBe(true);
    expect((await list(other.token)).unreadCount).toBe(1);
  });
});

describe('the header badge in the page context', () => {
  it("gives the viewer's unread count, and it follows reading", async () => {
    const me = await createMember(t);
    const actor = await createMember(t);
    const postId = await insertPost(t, me.id, 'Post');
    const badge = async () => (await t.request({ method: 'GET', url: '/api/v1/page-context', as: me.token })).json().viewer.unreadNotifications;
    expect(await badge()).toBe(0);
    await notify(t, [{ recipientId: me.id, kind: 'comment', actorId: actor.id, postId }, { recipientId: me.id, kind: 'mention', actorId: actor.id, postId, commentId: await insertComment(t, postId, actor.id, 'y') }]);
    expect(await badge()).toBe(2);
    await t.request({ method: 'POST', url: '/api/v1/notifications/read-all', as: me.token });
    expect(await badge()).toBe(0);
  });
});

describe('preferences', () => {
  const prefs = (token: string) => t.request({ method: 'GET', url: '/api/v1/me/notification-preferences', as: token });
  const put = (token: string, payload: unknown) => t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', as: token, payload: payload as object });

  it('lists every kind with its defaults until the member chooses', async () => {
    const me = await createMember(t);
    const response = await prefs(me.token);
    expect(response.statusCode).toBe(200);
    expect(response.json().preferences).toEqual([
      { kind: 'mention', inApp: true, email: true },
      { kind: 'comment', inApp: true, email: false },
      { kind: 'reply', inApp: true, email: true },
      { kind: 'reaction', inApp: true, email: false },
      { kind: 'join_request', inApp: true, email: true },
      { kind: 'request_approved', inApp: true, email: true },
      { kind: 'invitation', inApp: true, email: true },
      { kind: 'forum_reply', inApp: true, email: false },
      { kind: 'forum_mention', inApp: true, email: true },
    ]);
    expect((await t.request({ method: 'GET', url: '/api/v1/me/notification-preferences' })).statusCode).toBe(401);
  });

  it('saves the kinds sent and keeps the others; e-mail needs the app', async () => {
    const me = await createMember(t);
    const response = await put(me.token, { preferences: [{ kind: 'comment', inApp: true, email: true }, { kind: 'reaction', inApp: false, email: true }] });
    expect(response.statusCode).toBe(200);
    const byKind = Object.fromEntries((response.json().preferences as Array<{ kind: string }>).map((p) => [p.kind, p]));
    expect(byKind.comment).toEqual({ kind: 'comment', inApp: true, email: true });
    expect(byKind.reaction).toEqual({ kind: 'reaction', inApp: false, email: false });
    expect(byKind.mention).toEqual({ kind: 'mention', inApp: true, email: true });
    expect((await prefs(me.token)).json()).toEqual(response.json());
  });

  it('refuses an unknown kind, a kind sent twice, a missing field or an extra one with a 400, and saves nothing', async () => {
    const me = await createMember(t);
    const cases = [
      { preferences: [{ kind: 'carrier_pigeon', inApp: true, email: true }] },
      { preferences: [{ kind: 'comment', inApp: true, email: true }, { kind: 'comment', inApp: false, email: false }] },
      { preferences: [{ kind: 'comment', inApp: true }] },
      { preferences: [{ kind: 'comment', inApp: true, email: false, sms: true }] },
      { preferences: 'all' },
    ];
    for (const payload of cases) {
      const response = await put(me.token, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().message).toMatch(/\w/);
    }
    expect((await put(me.token, cases[1])).json().message).toMatch(/"comment" appears twice/);
    expect(await t.db.db.selectFrom('notification_preferences').selectAll().where('member_id', '=', me.id).execute()).toEqual([]);
  });

  it('is honoured when notifying: a kind off in the app is not stored, e-mail follows the choice', async () => {
    const me = await createMember(t);
    const actor = await createMember(t);
    const postId = await insertPost(t, me.id, 'Post');
    await put(me.token, { preferences: [{ kind: 'reaction', inApp: false, email: false }, { kind: 'comment', inApp: true, email: true }, { kind: 'mention', inApp: true, email: false }] });

    const stored = await notify(t, [
      { recipientId: me.id, kind: 'reaction', actorId: actor.id, postId },
      { recipientId: me.id, kind: 'comment', actorId: actor.id, postId, commentId: await insertComment(t, postId, actor.id, 'a') },
      { recipientId: me.id, kind: 'mention', actorId: actor.id, postId, commentId: await insertComment(t, postId, actor.id, 'b') },
      { recipientId: actor.id, kind: 'reply', actorId: me.id, postId, commentId: await insertComment(t, postId, me.id, 'c') },
    ]);
    expect(stored.map((s) => [s.kind, s.email])).toEqual([['comment', true], ['mention', false], ['reply', true]]);
    expect((await storedRows(me.id)).map((row) => row.kind).sort()).toEqual(['comment', 'mention']);
  });
});
