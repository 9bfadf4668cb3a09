import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroupWithRoles, createSharedViewers, type GroupWithRoles, type RoleMember } from '../../testing/group-roles.ts';
import { createMember, createTestApp, sessionFor, type TestApp } from '../../testing/test-app.ts';

// socket.io rooms of groups: a connection is in a group's room only while the policy lets its member
// read the group; every case here goes through the real API and a real socket.

let t: TestApp;
let url: string;
let shared: Awaited<ReturnType<typeof createSharedViewers>>;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  shared = await createSharedViewers(t);
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await t.close();
});

interface Live {
  socket: Socket;
  /** Every event received so far, by name. */
  events: Array<{ name: string; payload: Record<string, unknown> }>;
}

async function open(token: string): Promise<Live> {
  const socket = connect(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie: `caucus_session=${token}`, origin: t.config.publicUrl.origin } });
  sockets.push(socket);
  const live: Live = { socket, events: [] };
  socket.onAny((name: string, payload: Record<string, unknown>) => live.events.push({ name, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return live;
}

const watch = (live: Live, target: unknown) =>
  new Promise<{ ok: boolean }>((resolve) => live.socket.emit('watch', target, (result: { ok: boolean }) => resolve(result)));

/** The posts of this group a connection has received (post.created), as HTML. */
const postsSeen = (live: Live, groupId: string) =>
  live.events
    .filter((e) => e.name === 'post.created')
    .map((e) => e.payload.post as { bodyHtml: string; wall: { group?: { id: string } } })
    .filter((post) => post.wall.group?.id === groupId)
    .map((post) => post.bodyHtml);

/** A real post on the group's wall, and time for it to travel. */
async function postIn(g: GroupWithRoles, author: RoleMember, text: string) {
  const response = await t.request({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/posts`, as: author.token, payload: { body: text } });
  expect(response.statusCode, response.body).toBe(201);
  await settle();
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 250));
const sees = (live: Live, g: GroupWithRoles, text: string) => postsSeen(live, g.group.id).some((html) => html.includes(text));

describe('group rooms', () => {
  let priv: GroupWithRoles;
  let pub: GroupWithRoles;
  beforeAll(async () => {
    [priv, pub] = [await createGroupWithRoles(t, 'private', { shared }), await createGroupWithRoles(t, 'public', { shared })];
  });

  it('puts an active member in the rooms of their groups on connection; nobody else', async () => {
    const member = await open(priv.viewers.member.token);
    const outsiders = await Promise.all([priv.viewers.nonMember, priv.viewers.pending, priv.viewers.invited, priv.viewers.banned, priv.viewers.networkModerator].map((v) => open(v.token)));
    await postIn(priv, priv.viewers.organizer, 'Réunion jeudi');
    expect(sees(member, priv, 'Réunion jeudi')).toBe(true);
    for (const live of outsiders) expect(postsSeen(live, priv.group.id)).toEqual([]);
  });

  it("refuses a non-member's watch of a private group, who then receives nothing; lets a network moderator watch", async () => {
    const [outsider, banned, pending, moderator] = [await open(shared.nonMember.token), await open(priv.viewers.banned.token), await open(priv.viewers.pending.token), await open(priv.viewers.networkModerator.token)];
    for (const live of [outsider, banned, pending]) expect(await watch(live, { group: priv.group.slug })).toEqual({ ok: false });
    expect(await watch(moderator, { group: priv.group.slug })).toEqual({ ok: true });
    await postIn(priv, priv.viewers.member, 'Ordre du jour');
    for (const live of [outsider, banned, pending]) expect(postsSeen(live, priv.group.id)).toEqual([]);
    expect(sees(moderator, priv, 'Ordre du jour')).toBe(true);
  });

  it('lets anyone signed in watch a public group, and stop watching', async () => {
    const outsider = await open(shared.nonMember.token);
    expect(await watch(outsider, { group: pub.group.slug.toUpperCase() })).toEqual({ ok: true });
    await postIn(pub, pub.viewers.member, 'Tractage samedi');
    expect(sees(outsider, pub, 'Tractage samedi')).toBe(true);
    outsider.socket.emit('unwatch', { group: pub.group.slug });
    await settle();
    await postIn(pub, pub.viewers.member, 'Tractage dimanche');
    expect(sees(outsider, pub, 'Tractage dimanche')).toBe(false);
  });

  it('keeps a member in their own group after their page stops watching it', async () => {
    const member = await open(pub.viewers.member.token);
    expect(await watch(member, { group: pub.group.slug })).toEqual({ ok: true });
    member.socket.emit('unwatch', { group: pub.group.slug });
    await settle();
    await postIn(pub, pub.viewers.organizer, 'Toujours là');
    expect(sees(member, pub, 'Toujours là')).toBe(true);
  });

  it('refuses malformed and unknown targets', async () => {
    const live = await open(shared.nonMember.token);
    for (const target of [null, 'group', 42, [], {}, { group: 5 }, { group: '' }, { group: 'x'.repeat(101) }, { group: pub.group.slug, profile: 'a' }, { room: 'network' }, { post: 'not-a-uuid' }, { group: 'no-such-group' }, { profile: 'no_such_member' }, { post: '01a20883-3b54-783c-97e3-5cceb8a38772' }]) {
      expect(await watch(live, target), JSON.stringify(target)).toEqual({ ok: false });
    }
    // A watch without an answer callback is harmless.
    live.socket.emit('watch', { group: pub.group.slug });
    await settle();
    expect(live.socket.connected).toBe(true);
  });
});

describe('leaving the room when the policy says so', () => {
  it('a member who leaves stops receiving at once', async () => {
    const g = await createGroupWithRoles(t, 'private', { shared });
    const member = await open(g.viewers.member.token);
    await postIn(g, g.viewers.organizer, 'Avant');
    expect(sees(member, g, 'Avant')).toBe(true);
    expect((await t.request({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/leave`, as: g.viewers.member.token })).statusCode).toBe(200);
    await postIn(g, g.viewers.organizer, 'Après le départ');
    expect(sees(member, g, 'Après le départ')).toBe(false);
    // Watching again is refused: the policy no longer lets them read.
    expect(await watch(member, { group: g.group.slug })).toEqual({ ok: false });
  });

  it('a member who is banned or removed stops receiving at once', async () => {
    const g = await createGroupWithRoles(t, 'public', { shared });
    const other = await createMember(t);
    expect((await t.request({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/join`, as: other.token })).statusCode).toBe(200);
    const banned = await open(g.viewers.member.token);
    const removed = await open(other.token);
    await postIn(g, g.viewers.organizer, 'Bienvenue');
    expect(sees(banned, g, 'Bienvenue') && sees(removed, g, 'Bienvenue')).toBe(true);
    expect((await t.request({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/members/${g.viewers.member.handle}/ban`, as: g.viewers.organizer.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/groups/${g.group.slug}/members/${other.handle}`, as: g.viewers.organizer.token })).statusCode).toBe(200);
    await postIn(g, g.viewers.organizer, 'Sans eux');
    expect(sees(banned, g, 'Sans eux')).toBe(false);
    expect(sees(removed, g, 'Sans eux')).toBe(false);
  });

  it('a group made secret evicts a network moderator who watched it; its members stay', async () => {
    const g = await createGroupWithRoles(t, 'private', { shared });
    const moderator = await open(g.viewers.networkModerator.token);
    const member = await open(g.viewers.member.token);
    expect(await watch(moderator, { group: g.group.slug })).toEqual({ ok: true });
    await postIn(g, g.viewers.organizer, 'Encore privé');
    expect(sees(moderator, g, 'Encore privé')).toBe(true);
    const made = await t.request({ method: 'PATCH', url: `/api/v1/groups/${g.group.slug}`, as: g.viewers.organizer.token, payload: { visibility: 'secret' } });
    expect(made.statusCode).toBe(200);
    g.group.slug = made.json().slug; // a secret group's address is a new, random one
    await postIn(g, g.viewers.organizer, 'Désormais secret');
    expect(sees(moderator, g, 'Désormais secret')).toBe(false);
    expect(sees(member, g, 'Désormais secret')).toBe(true);
    expect(await watch(moderator, { group: g.group.slug })).toEqual({ ok: false });
  });

  it('a group made private evicts the outsiders who watched it while public', async () => {
    const g = await createGroupWithRoles(t, 'public', { shared });
    const outsider = await open(shared.nonMember.token);
    expect(await watch(outsider, { group: g.group.slug })).toEqual({ ok: true });
    expect((await t.request({ method: 'PATCH', url: `/api/v1/groups/${g.group.slug}`, as: g.viewers.organizer.token, payload: { visibility: 'private' } })).statusCode).toBe(200);
    await postIn(g, g.viewers.organizer, 'Entre nous');
    expect(sees(outsider, g, 'Entre nous')).toBe(false);
  });
});

describe('entering the room when the policy says so', () => {
  it('an approved request and an accepted invitation let the member in at once', async () => {
    const g = await createGroupWithRoles(t, 'private', { shared });
    const pending = await open(g.viewers.pending.token);
    const invited = await open(g.viewers.invited.token);
    expect((await t.request({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/members/${g.viewers.pending.handle}/approve`, as: g.viewers.organizer.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/invitation/accept`, as: g.viewers.invited.token })).statusCode).toBe(200);
    await postIn(g, g.viewers.organizer, 'Bienvenue aux nouveaux');
    expect(sees(pending, g, 'Bienvenue aux nouveaux')).toBe(true);
    expect(sees(invited, g, 'Bienvenue aux nouveaux')).toBe(true);
    // The count moved live for those in the room.
    expect(pending.events.some((e) => e.name === 'group.members' && e.payload.groupId === g.group.id)).toBe(true);
  });

  it('a new group puts its creator in its room', async () => {
    const creator = await createMember(t);
    const live = await open(creator.token);
    const created = await t.request({ method: 'POST', url: '/api/v1/groups', as: creator.token, payload: { name: 'Tout neuf', visibility: 'secret' } });
    const g = { group: created.json() } as GroupWithRoles;
    await postIn(g, creator, 'Premier message');
    expect(sees(live, g, 'Premier message')).toBe(true);
  });
});

describe('other rooms', () => {
  it('puts verified members in the network room, and lets them watch a profile they may see and a post they may read', async () => {
    const g = await createGroupWithRoles(t, 'private', { shared });
    const member = await open(shared.nonMember.token);
    const unverified = await createMember(t, { verified: false });
    const stranger = await open(await sessionFor(t, unverified.id));
    const inRooms = async (memberId: string) => (await t.app.io.in(`user:${memberId}`).fetchSockets()).flatMap((s) => [...s.rooms]);
    expect(await inRooms(shared.nonMember.id)).toContain('network');
    expect(await inRooms(unverified.id)).not.toContain('network');
    expect(await watch(member, { profile: g.viewers.member.handle })).toEqual({ ok: true });
    // An unverified account may see no members-only profile, nor a private group's post.
    expect(await watch(stranger, { profile: g.viewers.member.handle })).toEqual({ ok: false });
    const post = await t.request({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/posts`, as: g.viewers.member.token, payload: { body: 'Un post' } });
    const postId = post.json().id as string;
    expect(await watch(member, { post: postId })).toEqual({ ok: false });
    const moderator = await open(shared.networkModerator.token);
    expect(await watch(moderator, { post: postId })).toEqual({ ok: true });
    expect(await inRooms(shared.networkModerator.id)).toContain(`group:${g.group.id}`);
  });
});
