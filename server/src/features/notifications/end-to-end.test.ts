import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvents } from '@caucus/shared/events.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
let url: string;
const sockets: Socket[] = [];
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  await t.app.jobs.startWorkers();
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await t.close();
});

const post = async (token: string, handle: string, body: string): Promise<string> => {
  const response = await t.request({ method: 'POST', url: `/api/v1/profiles/${handle}/posts`, as: token, payload: { body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
};

describe('a comment on my post, through the real routes', () => {
  it('notifies me live, lists it, e-mails it when I asked for it, and reading it moves my badge', async () => {
    const me = await createMember(t, { displayName: 'Inès Moreau' });
    const commenter = await createMember(t, { displayName: 'Yanis Robert' });
    await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', as: me.token, payload: { preferences: [{ kind: 'comment', inApp: true, email: true }] } });
    const postId = await post(me.token, me.handle, 'Porte-à-porte dimanche : qui est partant ?');

    const socket = connect(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie: `caucus_session=${me.token}`, origin: t.config.publicUrl.origin } });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('connect_error', reject); });
    const live = new Promise<LiveEvents['notification.created']>((resolve) => socket.once('notification.created', resolve));

    const comment = await t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, as: commenter.token, payload: { body: 'Moi ! Rendez-vous à **10 h**.' } });
    expect(comment.statusCode, comment.body).toBe(201);
    const commentId = comment.json().id as string;

    const event = await live;
    expect(event.unreadCount).toBe(1);
    expect(event.notification).toMatchObject({ kind: 'comment', actor: { id: commenter.id, displayName: 'Yanis Robert' }, postId, commentId, excerpt: 'Moi ! Rendez-vous à 10 h.', read: false });

    const page = (await t.request({ method: 'GET', url: '/api/v1/notifications', as: me.token })).json();
    expect(page.notifications).toEqual([event.notification]);
    expect((await t.request({ method: 'GET', url: '/api/v1/page-context', as: me.token })).json().viewer.unreadNotifications).toBe(1);

    // The e-mail, by the job.
    let mail: { subject: string; text_body: string } | undefined;
    for (let i = 0; i < 150 && !mail; i += 1) {
      mail = await t.db.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', me.email).executeTakeFirst();
      if (!mail) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(mail?.subject).toMatch(/^Yanis Robert a commenté votre publication/);
    expect(mail?.text_body).toContain(`/posts/${postId}#comment-${commentId}`);

    const badge = new Promise<LiveEvents['notifications.read']>((resolve) => socket.once('notifications.read', resolve));
    expect((await t.request({ method: 'POST', url: `/api/v1/notifications/${event.notification.id}/read`, as: me.token })).json()).toEqual({ unreadCount: 0 });
    expect(await badge).toEqual({ unreadCount: 0 });

    // The commenter is not notified of their own comment.
    expect((await t.request({ method: 'GET', url: '/api/v1/notifications', as: commenter.token })).json().notifications).toEqual([]);
  });
});
