import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvents } from '@caucus/shared/events.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertComment, insertPost, notify } from './test-helpers.ts';

let t: TestApp;
let url: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await t.close();
});

/** A signed-in page: a socket.io connection with the member's session cookie. */
async function openPage(token: string): Promise<Socket> {
  const socket = connect(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, timeout: 5000, extraHeaders: { cookie: `caucus_session=${token}`, origin: t.config.publicUrl.origin } });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Everything a page receives of one event, from now on. */
function collect<E extends keyof LiveEvents>(socket: Socket, event: E): Array<LiveEvents[E]> {
  const received: Array<LiveEvents[E]> = [];
  socket.on(event as string, (payload: LiveEvents[E]) => received.push(payload));
  return received;
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a live event');
    await settle(20);
  }
};

describe('live notifications', () => {
  it("pushes a new notification, whole, with the unread count, to every open page of its recipient and no one else's", async () => {
    const alice = await createMember(t);
    const bob = await createMember(t);
    const actor = await createMember(t, { displayName: 'Karim' });
    const [aliceTab1, aliceTab2, bobTab] = [await openPage(alice.token), await openPage(alice.token), await openPage(bob.token)];
    const [seen1, seen2, seenByBob] = [collect(aliceTab1, 'notification.created'), collect(aliceTab2, 'notification.created'), collect(bobTab, 'notification.created')];

    const postId = await insertPost(t, alice.id, "L'affiche du meeting");
    const commentId = await insertComment(t, postId, actor.id, 'Superbe affiche');
    await notify(t, [{ recipientId: alice.id, kind: 'comment', actorId: actor.id, postId, commentId }]);
    await until(() => seen1.length === 1 && seen2.length === 1);
    await settle();

    expect(seen1[0]).toEqual({
      notification: expect.objectContaining({ kind: 'comment', actor: { id: actor.id, handle: actor.handle, displayName: 'Karim' }, postId, commentId, excerpt: 'Superbe affiche', read: false, actorCount: 1 }),
      unreadCount: 1,
    });
    expect(seen2).toEqual(seen1);
    // The live JSON is the list's JSON.
    const listed = (await t.request({ method: 'GET', url: '/api/v1/notifications', as: alice.token })).json().notifications[0];
    expect(seen1[0]!.notification).toEqual(listed);
    expect(seenByBob).toEqual([]);
  });

  it('pushes the merged reaction again with its new count, and the badge stays at one', async () => {
    const alice = await createMember(t);
    const [a, b] = [await createMember(t), await createMember(t)];
    const tab = await openPage(alice.token);
    const seen = collect(tab, 'notification.created');
    const postId = await insertPost(t, alice.id, 'Post');
    await notify(t, [{ recipientId: alice.id, kind: 'reaction', actorId: a.id, postId }]);
    await notify(t, [{ recipientId: alice.id, kind: 'reaction', actorId: b.id, postId }]);
    await until(() => seen.length === 2);
    expect(seen.map((e) => [e.notification.actorCount, e.unreadCount])).toEqual([[1, 1], [2, 1]]);
    expect(seen[1]!.notification.id).toBe(seen[0]!.notification.id);
  });

  it("moves the badge of every open page when one is read or all are, and no one else's", async () => {
    const alice = await createMember(t);
    const bob = await createMember(t);
    const actor = await createMember(t);
    const postId = await insertPost(t, alice.id, 'Post');
    const [first] = await notify(t, [
      { recipientId: alice.id, kind: 'comment', actorId: actor.id, postId },
      { recipientId: alice.id, kind: 'mention', actorId: actor.id, postId, commentId: await insertComment(t, postId, actor.id, 'z') },
    ]);
    const [tab1, tab2, bobTab] = [await openPage(alice.token), await openPage(alice.token), await openPage(bob.token)];
    const [read1, read2, readByBob] = [collect(tab1, 'notifications.read'), collect(tab2, 'notifications.read'), collect(bobTab, 'notifications.read')];

    await t.request({ method: 'POST', url: `/api/v1/notifications/${first!.id}/read`, as: alice.token });
    await until(() => read1.length === 1 && read2.length === 1);
    expect(read1).toEqual([{ unreadCount: 1 }]);

    await t.request({ method: 'POST', url: '/api/v1/notifications/read-all', as: alice.token });
    await until(() => read1.length === 2 && read2.length === 2);
    expect(read2).toEqual([{ unreadCount: 1 }, { unreadCount: 0 }]);
    await settle();
    expect(readByBob).toEqual([]);

    // Bob trying Alice's notification moves nobody's badge.
    await t.request({ method: 'POST', url: `/api/v1/notifications/${first!.id}/read`, as: bob.token });
    await settle();
    expect(read1).toHaveLength(2);
    expect(readByBob).toEqual([]);
  });
});
