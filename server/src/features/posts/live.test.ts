import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rooms } from '#core/events.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership, setNetworkRole, type TestMember } from '../../testing/wall-fixtures.ts';

// Live events of walls reach the sockets in the post's audience rooms, and no other. Sockets are
// put in their rooms by the server (here directly, and by the follow route), as the realtime
// layer does after asking the policy.

let t: TestApp;
let url: string;
const sockets: Socket[] = [];
let author: TestMember;
let groupMate: TestMember; // in the private group
let follower: TestMember; // follows the author, in no group
let admin: TestMember;
let privateGroup: { id: string; slug: string };
let publicGroup: { id: string; slug: string };
const received = new Map<string, Array<{ event: string; payload: unknown }>>();

async function open(member: TestMember): Promise<void> {
  const socket = connect(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie: `caucus_session=${member.token}`, origin: t.config.publicUrl.origin } });
  sockets.push(socket);
  const log: Array<{ event: string; payload: unknown }> = [];
  received.set(member.id, log);
  socket.onAny((event: string, payload: unknown) => log.push({ event, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/** Events of wall kinds a member's sockets received since the last call. */
async function drain(member: TestMember, waitMs = 250): Promise<Array<{ event: string; payload: unknown }>> {
  await new Promise((resolve) => setTimeout(resolve, waitMs));
  const log = received.get(member.id)!;
  const events = log.filter((e) => !e.event.startsWith('notification') && !e.event.startsWith('group.'));
  log.length = 0;
  return events;
}
const names = (events: Array<{ event: string }>) => events.map((e) => e.event);

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  [author, groupMate, follower, admin] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t)]);
  await setNetworkRole(t, admin.id, 'admin');
  privateGroup = await insertGroup(t, 'private');
  publicGroup = await insertGroup(t, 'public');
  for (const m of [author, groupMate]) {
    await setMembership(t, privateGroup.id, m.id, 'active');
    await setMembership(t, publicGroup.id, m.id, 'active');
  }
  for (const m of [author, groupMate, follower]) await open(m);
  t.app.io.in(rooms.user(groupMate.id)).socketsJoin([rooms.group(privateGroup.id), rooms.group(publicGroup.id)]);
  t.app.io.in(rooms.user(author.id)).socketsJoin([rooms.group(privateGroup.id), rooms.group(publicGroup.id)]);
  // The follow route puts the follower's open sockets in the author's room.
  expect((await t.request({ method: 'PUT', url: `/api/v1/profiles/${author.handle}/follow`, as: follower.token })).statusCode).toBe(200);
  await drain(follower, 50);
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await t.close();
});

const post = async (as: TestMember, path: string, body: string) => {
  const response = await t.request({ method: 'POST', url: `/api/v1${path}`, as: as.token, payload: { body } });
  expect(response.statusCode).toBe(201);
  return response.json();
};

describe('live events of a private group', () => {
  it('reach its members and never a follower of the author who is not in it: create, edit, comment, react, delete', async () => {
    const created = await post(author, `/groups/${privateGroup.slug}/posts`, 'Réunion secrète jeudi');
    const mate = await drain(groupMate);
    expect(names(mate)).toEqual(['post.created']);
    const sent = mate[0]!.payload as { post: Record<string, unknown> };
    expect(sent.post).toMatchObject({ id: created.id, bodyHtml: created.bodyHtml, author: { id: author.id } });
    expect(sent.post.viewer).toBeUndefined(); // the same JSON for every reader

    await t.request({ method: 'PATCH', url: `/api/v1/posts/${created.id}`, as: author.token, payload: { body: 'Réunion secrète vendredi' } });
    const comment = (await t.request({ method: 'POST', url: `/api/v1/posts/${created.id}/comments`, as: groupMate.token, payload: { body: 'J’y serai' } })).json();
    await t.request({ method: 'PATCH', url: `/api/v1/comments/${comment.id}`, as: groupMate.token, payload: { body: 'J’y serai, promis' } });
    await t.request({ method: 'PUT', url: `/api/v1/posts/${created.id}/reaction`, as: groupMate.token, payload: { kind: 'love' } });
    await t.request({ method: 'DELETE', url: `/api/v1/comments/${comment.id}`, as: groupMate.token });
    await t.request({ method: 'DELETE', url: `/api/v1/posts/${created.id}`, as: author.token });

    const events = await drain(groupMate);
    expect(names(events)).toEqual(['post.updated', 'comment.created', 'comment.updated', 'reaction.changed', 'comment.deleted', 'post.deleted']);
    expect(events[1]!.payload).toMatchObject({ commentCount: 1, comment: { id: comment.id, postId: created.id } });
    expect(events[3]!.payload).toEqual({ postId: created.id, reactions: { love: 1 }, reactionCount: 1 });
    expect(events[4]!.payload).toEqual({ postId: created.id, commentId: comment.id, commentCount: 0 });
    expect(events[5]!.payload).toEqual({ postId: created.id, groupId: privateGroup.id });

    // The follower received nothing of all this, on any event.
    const leaked = received.get(follower.id)!.map((e) => JSON.stringify(e));
    expect(await drain(follower)).toEqual([]);
    expect(leaked.join()).not.toContain('secrète');
  });

  it('publishes nothing for a refused write', async () => {
    const outsider = await createMember(t);
    const refused = await t.request({ method: 'POST', url: `/api/v1/groups/${privateGroup.slug}/posts`, as: outsider.token, payload: { body: 'Intrusion' } });
    expect(refused.statusCode).toBe(403);
    expect(await drain(groupMate)).toEqual([]);
  });
});

describe('live events of public walls', () => {
  it("reach the author's followers too, for a public group and a profile wall", async () => {
    const inPublic = await post(author, `/groups/${publicGroup.slug}/posts`, 'Ouvert à tous');
    expect(names(await drain(follower))).toEqual(['post.created']);
    expect(names(await drain(groupMate))).toEqual(['post.created']);
    await t.request({ method: 'PUT', url: `/api/v1/posts/${inPublic.id}/reaction`, as: groupMate.token, payload: { kind: 'like' } });
    expect(names(await drain(follower))).toEqual(['reaction.changed']);
    expect(names(await drain(groupMate, 0))).toEqual(['reaction.changed']);

    await post(author, `/profiles/${author.handle}/posts`, 'Sur mon mur');
    expect(names(await drain(follower))).toEqual(['post.created']);
    expect(await drain(groupMate)).toEqual([]); // neither following nor watching that profile
  });

  it('stop reaching a follower who unfollows', async () => {
    expect((await t.request({ method: 'DELETE', url: `/api/v1/profiles/${author.handle}/follow`, as: follower.token })).statusCode).toBe(200);
    await post(author, `/groups/${publicGroup.slug}/posts`, 'Après le départ');
    expect(await drain(follower)).toEqual([]);
  });

  it('send network wall posts to the network room', async () => {
    t.app.io.in(rooms.user(follower.id)).socketsJoin(rooms.network);
    await post(admin, '/walls/network/posts', 'Grande annonce');
    const events = await drain(follower);
    expect(names(events)).toEqual(['post.created']);
    expect(events[0]!.payload).toMatchObject({ post: { wall: { kind: 'network' } } });
  });
});
