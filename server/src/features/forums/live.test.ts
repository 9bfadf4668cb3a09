import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership, type TestMember } from '../../testing/wall-fixtures.ts';

// A private group's forum live: new, edited and deleted posts reach the group's members through
// the group's room, which the realtime layer fills on connection after asking the policy; a member
// who leaves stops receiving at once; a stranger never receives anything, even by asking to watch;
// a category kept to moderators sends nothing live at all.

let t: TestApp;
let url: string;
const sockets: Socket[] = [];
const received = new Map<string, Array<{ event: string; payload: unknown }>>();
let organizer: TestMember;
let member: TestMember;
let stranger: TestMember;
let group: { id: string; slug: string };
let thread: string;
let staffThread: string;

async function open(who: TestMember): Promise<Socket> {
  const socket = connect(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie: `caucus_session=${who.token}`, origin: t.config.publicUrl.origin } });
  sockets.push(socket);
  const log: Array<{ event: string; payload: unknown }> = [];
  received.set(who.id, log);
  socket.onAny((event: string, payload: unknown) => log.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/**
 * The forum events a member's socket received since the last call: waits for `expected` of them
 * (a loaded machine delivers late), or `waitMs` when none is expected.
 */
async function drain(who: TestMember, waitMs = 250, expected = 0): Promise<Array<{ event: string; payload: unknown }>> {
  const log = received.get(who.id)!;
  const forumEvents = () => log.filter((e) => e.event.startsWith('forum.'));
  const deadline = Date.now() + 5000;
  while (expected > 0 && forumEvents().length < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const events = forumEvents();
  log.length = 0;
  return events;
}

const api = async (method: 'POST' | 'PATCH' | 'DELETE', path: string, as: TestMember, payload?: Record<string, unknown>, status = 200) => {
  const response = await t.request({ method, url: `/api/v1${path}`, as: as.token, ...(payload ? { payload } : {}) });
  expect(response.statusCode, response.body.slice(0, 200)).toBe(status);
  return response.json();
};

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  [organizer, member, stranger] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
  group = await insertGroup(t, 'private');
  await setMembership(t, group.id, organizer.id, 'active', 'organizer');
  await setMembership(t, group.id, member.id, 'active');
  const forum = `/groups/${group.slug}/forum`;
  await api('POST', `${forum}/categories`, organizer, { name: 'Débats' }, 201);
  await api('POST', `${forum}/categories`, organizer, { name: 'Bureau', access: { read: 'moderators', start: 'moderators', reply: 'moderators' } }, 201);
  thread = (await api('POST', `${forum}/categories/debats/threads`, organizer, { title: 'Stratégie municipale', body: 'Parlons-en' }, 201)).id;
  staffThread = (await api('POST', `${forum}/categories/bureau/threads`, organizer, { title: 'Budget confidentiel', body: 'Entre nous' }, 201)).id;
  for (const who of [organizer, member, stranger]) await open(who);
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await t.close();
});

describe('a private group’s forum, live', () => {
  it('sends new, edited and deleted posts to the group’s members, and nothing to a stranger', async () => {
    const reply = await api('POST', `/threads/${thread}/posts`, organizer, { body: 'Liste commune au premier tour' }, 201);
    await api('PATCH', `/forum-posts/${reply.id}`, organizer, { body: 'Liste commune dès le premier tour' });
    await api('DELETE', `/forum-posts/${reply.id}`, organizer);
    const events = await drain(member, 100, 3);
    expect(events.map((e) => e.event)).toEqual(['forum.post.created', 'forum.post.updated', 'forum.post.deleted']);
    expect(events[0]!.payload).toMatchObject({ threadId: thread, postCount: 2, post: { id: reply.id, position: 2, bodyHtml: expect.stringContaining('premier tour') } });
    expect((events[0]!.payload as { post: { viewer?: unknown } }).post.viewer).toBeUndefined();
    expect(events[2]!.payload).toEqual({ threadId: thread, postId: reply.id });
    expect(await drain(stranger)).toEqual([]);
    expect(JSON.stringify(received.get(stranger.id))).not.toContain('premier tour');
  });

  it('sends nothing live from a category kept to moderators', async () => {
    await drain(organizer, 0); // what the first test sent them
    await api('POST', `/threads/${staffThread}/posts`, organizer, { body: 'Le budget reste entre nous' }, 201);
    expect(await drain(member)).toEqual([]);
    expect(await drain(organizer)).toEqual([]);
  });

  it('lets no stranger in by watching, and stops at once for a member who leaves', async () => {
    const strangerSocket = sockets[2]!;
    const watched = await new Promise<{ ok: boolean }>((resolve) => strangerSocket.emit('watch', { group: group.slug }, resolve));
    expect(watched.ok).toBe(false);
    await api('POST', `/groups/${group.slug}/leave`, member);
    await api('POST', `/threads/${thread}/posts`, organizer, { body: 'Après le départ' }, 201);
    expect(await drain(member)).toEqual([]);
    expect(await drain(stranger)).toEqual([]);
  });
});
