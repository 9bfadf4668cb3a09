import type { AddressInfo } from 'node:net';
import { io as connectLive, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { follow, insertGroup, setMembership, setNetworkRole, type TestMember } from '../../testing/wall-fixtures.ts';
import { connectStream, postIdOf, type StreamClient, type StreamMessage } from './test-client.ts';

let t: TestApp;
let url: string;
const clients: StreamClient[] = [];
const liveSockets: Socket[] = [];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const client of clients) client.close();
  for (const socket of liveSockets) socket.disconnect();
  await t.close();
});

function stream(options: Parameters<typeof connectStream>[1]): StreamClient {
  const client = connectStream(url, options);
  clients.push(client);
  return client;
}

async function tokenOf(member: TestMember): Promise<{ token: string; id: string }> {
  const response = await t.request({ method: 'POST', url: '/api/v1/me/access-tokens', as: member.token, payload: { name: 'streaming test' } });
  expect(response.statusCode, response.body).toBe(201);
  return { token: response.json().token, id: response.json().accessToken.id };
}

/** A stream that has said `stream.ready`. */
async function openStream(member: TestMember, query?: string): Promise<StreamClient> {
  const client = stream({ token: (await tokenOf(member)).token, ...(query ? { query } : {}) });
  expect(await client.outcome).toBe('ready');
  return client;
}

async function post(author: TestMember, wall: string, body: string): Promise<string> {
  const response = await t.request({ method: 'POST', url: `/api/v1${wall}/posts`, as: author.token, payload: { body } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

const isPost = (id: string) => (message: StreamMessage) => message.event === 'post.created' && postIdOf(message) === id;

/**
 * Posts `sentinel` (a post the client must receive) after the others: messages leave in the order
 * events came, so once the sentinel is in, anything that was coming before it has come.
 */
async function receivedBefore(client: StreamClient, sentinel: () => Promise<string>): Promise<StreamMessage[]> {
  const id = await sentinel();
  expect(await client.waitFor(isPost(id)), 'the sentinel post').toBeDefined();
  return client.messages;
}

describe('connecting to the streaming API', () => {
  it('refuses a client without a token, with a bad one, or with only a session cookie: 4401', async () => {
    const member = await createMember(t);
    const refusals = [
      stream({}),
      stream({ token: `caucus_pat_${'a'.repeat(52)}` }),
      stream({ token: 'not-even-the-format' }),
      stream({ query: `access_token=caucus_pat_${'b'.repeat(52)}` }),
      stream({ headers: { cookie: `caucus_session=${member.token}` } }),
    ];
    for (const client of refusals) {
      const outcome = await client.outcome;
      expect(outcome).toMatchObject({ code: 4401, reason: expect.stringContaining('access token') });
    }
  });

  it('accepts the token in the header or in the access_token parameter, and says ready', async () => {
    const member = await createMember(t);
    const { token } = await tokenOf(member);
    const byHeader = stream({ token });
    expect(await byHeader.outcome).toBe('ready');
    expect(byHeader.messages[0]).toEqual({ event: 'stream.ready', payload: { stream: 'home' } });
    expect(await stream({ query: `stream=home&access_token=${token}` }).outcome).toBe('ready');
  });

  it('answers a malformed query with an HTTP 400 before the upgrade, and plain HTTP with a 426', async () => {
    const member = await createMember(t);
    const { token } = await tokenOf(member);
    for (const query of ['stream=everything', 'stream=group', 'group=some-group', 'stream=group&group=a%00b', 'access_token=a%00b']) {
      const outcome = await stream({ token, query }).outcome;
      expect(outcome, query).toMatchObject({ status: 400 });
      expect(JSON.parse((outcome as { body: string }).body), query).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    }
    const plain = await t.app.inject({ url: '/api/v1/streaming', headers: { authorization: `Bearer ${token}` } });
    expect(plain.statusCode).toBe(426);
    expect(plain.json().message).toContain('WebSocket');
  });

  it('is documented in the OpenAPI description, protocol included', async () => {
    const doc = (await t.request({ url: '/api/docs/json' })).json();
    const operation = doc.paths['/api/v1/streaming'].get;
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(operation.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['access_token', 'group', 'stream']);
    for (const words of ['Authorization: Bearer', 'stream=group&group=<slug>', 'stream.ready', 'post.created', 'notification.created', '4401', '4404', 'ping']) {
      expect(operation.description).toContain(words);
    }
  });

  it('closes 4404 for an unknown group and for a secret or private group the member may not read', async () => {
    const outsider = await createMember(t);
    const insider = await createMember(t);
    const secret = await insertGroup(t, 'secret');
    const closed = await insertGroup(t, 'private');
    const open = await insertGroup(t, 'public');
    await setMembership(t, secret.id, insider.id, 'active');
    await setMembership(t, closed.id, outsider.id, 'pending');
    const { token } = await tokenOf(outsider);
    for (const slug of ['no-such-group', secret.slug, closed.slug]) {
      expect(await stream({ token, query: `stream=group&group=${slug}` }).outcome, slug).toMatchObject({ code: 4404, reason: expect.stringContaining('Unknown stream') });
    }
    const publicStream = stream({ token, query: `stream=group&group=${open.slug}` });
    expect(await publicStream.outcome).toBe('ready');
    expect(publicStream.messages[0]!.payload).toEqual({ stream: 'group', group: open.slug });
    expect(await stream({ token: (await tokenOf(insider)).token, query: `stream=group&group=${secret.slug.toUpperCase()}` }).outcome).toBe('ready');
  });

  it('shares the HTTP server with socket.io: both connect, both receive', async () => {
    const member = await createMember(t);
    const author = await createMember(t);
    const group = await insertGroup(t, 'private');
    await setMembership(t, group.id, member.id, 'active');
    await setMembership(t, group.id, author.id, 'active');
    const live = connectLive(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie: `caucus_session=${member.token}`, origin: t.config.publicUrl.origin } });
    liveSockets.push(live);
    await new Promise<void>((resolve, reject) => {
      live.once('connect', resolve);
      live.once('connect_error', reject);
    });
    const client = await openStream(member);
    const liveReceived = new Promise<{ post: { id: string } }>((resolve) => live.on('post.created', resolve));
    const id = await post(author, `/groups/${group.slug}`, 'Réunion jeudi à 19 h');
    expect(await client.waitFor(isPost(id))).toMatchObject({ event: 'post.created', payload: { post: { id, bodyHtml: '<p>Réunion jeudi à 19 h</p>' } } });
    expect((await liveReceived).post.id).toBe(id);
    expect(live.connected).toBe(true);
  });
});

describe('the home stream', () => {
  let alice: TestMember;
  let bob: TestMember;
  let carol: TestMember;
  let mine: { id: string; slug: string };
  let theirs: { id: string; slug: string };

  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([createMember(t), createMember(t), createMember(t)]);
    mine = await insertGroup(t, 'private');
    theirs = await insertGroup(t, 'private');
    await setMembership(t, mine.id, alice.id, 'active');
    await setMembership(t, mine.id, bob.id, 'active', 'organizer');
    await setMembership(t, theirs.id, bob.id, 'active');
    await setMembership(t, theirs.id, carol.id, 'active');
  });

  it('receives a post in my group, and not one in a private group I am not in', async () => {
    const client = await openStream(alice);
    const hidden = await post(carol, `/groups/${theirs.slug}`, 'Entre nous seulement');
    const messages = await receivedBefore(client, () => post(bob, `/groups/${mine.slug}`, 'Pour tout le groupe'));
    expect(messages.some((m) => postIdOf(m) === hidden)).toBe(false);
    expect(JSON.stringify(messages)).not.toContain('Entre nous seulement');
  });

  it('receives the posts of the members I follow on their profile wall and in public groups, not in private ones', async () => {
    const reader = await createMember(t);
    const author = await createMember(t);
    const open = await insertGroup(t, 'public');
    const closed = await insertGroup(t, 'private');
    await setMembership(t, open.id, author.id, 'active');
    await setMembership(t, closed.id, author.id, 'active');
    await follow(t, reader.id, author.id);
    const client = await openStream(reader);
    const inPrivate = await post(author, `/groups/${closed.slug}`, 'Privé');
    const inPublic = await post(author, `/groups/${open.slug}`, 'Public');
    const messages = await receivedBefore(client, () => post(author, `/profiles/${author.handle}`, 'Sur mon mur'));
    expect(messages.some((m) => postIdOf(m) === inPublic)).toBe(true);
    expect(messages.some((m) => postIdOf(m) === inPrivate)).toBe(false);
  });

  it('receives comments and reactions on the posts it carries, and my own notifications only', async () => {
    const aliceStream = await openStream(alice);
    const bobStream = await openStream(bob);
    const id = await post(alice, `/groups/${mine.slug}`, 'Qui vient tracter samedi ?');
    const comment = await t.request({ method: 'POST', url: `/api/v1/posts/${id}/comments`, as: bob.token, payload: { body: 'Moi !' } });
    expect(comment.statusCode, comment.body).toBe(201);
    expect(await aliceStream.waitFor((m) => m.event === 'comment.created' && m.payload.comment.id === comment.json().id)).toMatchObject({ payload: { commentCount: 1 } });
    const reaction = await t.request({ method: 'PUT', url: `/api/v1/posts/${id}/reaction`, as: bob.token, payload: { kind: 'applause' } });
    expect(reaction.statusCode, reaction.body).toBe(200);
    expect(await aliceStream.waitFor((m) => m.event === 'reaction.changed' && m.payload.postId === id)).toMatchObject({ payload: { reactionCount: 1, reactions: { applause: 1 } } });

    // Bob's comment notified Alice: on her stream, not on Bob's.
    const notified = await aliceStream.waitFor((m) => m.event === 'notification.created');
    expect(notified?.payload.notification).toMatchObject({ kind: 'comment' });
    await receivedBefore(bobStream, () => post(alice, `/groups/${mine.slug}`, 'Merci Bob'));
    expect(bobStream.messages.some((m) => m.event === 'notification.created')).toBe(false);
  });

  it('stops carrying a group the moment I am banned from it, while connected', async () => {
    const dan = await createMember(t);
    await setMembership(t, mine.id, dan.id, 'active');
    const other = await insertGroup(t, 'private');
    await setMembership(t, other.id, dan.id, 'active');
    await setMembership(t, other.id, bob.id, 'active');
    const home = await openStream(dan);
    const groupStream = await openStream(dan, `stream=group&group=${mine.slug}`);

    const before = await post(bob, `/groups/${mine.slug}`, 'Avant');
    expect(await home.waitFor(isPost(before))).toBeDefined();
    expect(await groupStream.waitFor(isPost(before))).toBeDefined();

    const ban = await t.request({ method: 'POST', url: `/api/v1/groups/${mine.slug}/members/${dan.handle}/ban`, as: bob.token });
    expect(ban.statusCode, ban.body).toBe(200);
    const after = await post(bob, `/groups/${mine.slug}`, 'Après le bannissement');
    const messages = await receivedBefore(home, () => post(bob, `/groups/${other.slug}`, 'Ailleurs'));
    expect(messages.some((m) => postIdOf(m) === after)).toBe(false);
    // The group's own stream has nothing left to carry: it ends, saying why.
    expect(await groupStream.closed).toMatchObject({ code: 4403 });
    expect(groupStream.messages.some((m) => postIdOf(m) === after)).toBe(false);
  });

  it('re-checks the member too: one demoted from admin stops reading a private group they are not in', async () => {
    const admin = await createMember(t);
    await setNetworkRole(t, admin.id, 'admin');
    const groupStream = await openStream(admin, `stream=group&group=${mine.slug}`);
    await setNetworkRole(t, admin.id, 'member');
    const id = await post(alice, `/groups/${mine.slug}`, 'Réservé aux membres');
    expect(await groupStream.closed).toMatchObject({ code: 4403 });
    expect(groupStream.messages.some((m) => postIdOf(m) === id)).toBe(false);
  });
});

describe('a stream and its token', () => {
  it('closes with 4401 at once when its token is revoked, and not the streams of other tokens', async () => {
    const member = await createMember(t);
    const first = await tokenOf(member);
    const second = await tokenOf(member);
    const doomed = stream({ token: first.token });
    const kept = stream({ token: second.token });
    expect(await doomed.outcome).toBe('ready');
    expect(await kept.outcome).toBe('ready');
    expect((await t.request({ method: 'DELETE', url: `/api/v1/me/access-tokens/${first.id}`, as: member.token })).statusCode).toBe(200);
    expect(await doomed.closed).toEqual({ code: 4401, reason: 'Access token revoked.' });
    expect(kept.socket.readyState).toBe(kept.socket.OPEN);
  });

  it('pings every stream, and drops one that stopped answering', async () => {
    const member = await createMember(t);
    const { token } = await tokenOf(member);
    const answering = stream({ token });
    const silent = stream({ token, autoPong: false });
    expect(await answering.outcome).toBe('ready');
    expect(await silent.outcome).toBe('ready');
    const pinged = new Promise<boolean>((resolve) => answering.socket.once('ping', () => resolve(true)));
    await t.app.streaming.heartbeat();
    expect(await pinged).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the pong travels back
    await t.app.streaming.heartbeat();
    expect((await silent.closed).code).toBe(1006); // terminated, no close frame
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
  });

  it('also catches, at the heartbeat, a token deleted without a word to this process', async () => {
    const member = await createMember(t);
    const { token, id } = await tokenOf(member);
    const client = stream({ token });
    expect(await client.outcome).toBe('ready');
    await t.db.db.deleteFrom('access_tokens').where('id', '=', id).execute();
    await t.app.streaming.heartbeat();
    expect(await client.closed).toMatchObject({ code: 4401 });
  });
});

describe('the server\'s log and shutdown', () => {
  it('never logs a token given in the access_token parameter, and ends its streams with 1001 when it stops', async () => {
    const lines: string[] = [];
    const logged = await buildApp({ config: t.config, db: t.db, web: 'none', logger: { level: 'info', stream: { write: (line: string) => void lines.push(line) } } });
    await logged.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { token } = await tokenOf(await createMember(t));
      const client = connectStream(`http://127.0.0.1:${(logged.server.address() as AddressInfo).port}`, { query: `access_token=${token}&stream=home` });
      expect(await client.outcome).toBe('ready');
      await logged.close();
      expect(await client.closed).toEqual({ code: 1001, reason: 'The server is shutting down: reconnect in a moment.' });
    } finally {
      await logged.close();
    }
    const log = lines.join('');
    expect(log).toContain('/api/v1/streaming?access_token=[redacted]&stream=home');
    expect(log).not.toMatch(/caucus_pat_[a-z2-7]{52}/);
  });
});
