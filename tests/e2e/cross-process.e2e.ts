import { io as connectLive, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase, freePort } from '../support/postgres.ts';
import { caucus, startServer, type RunningServer } from '../support/server.ts';

// Two `caucus serve` processes on one PostgreSQL database, as behind a load balancer: what is
// written through one reaches the live clients of the other (socket.io through its PostgreSQL
// adapter, the streaming API through the event bus's server-side emit). No browser needed.
//
// Skipped on the embedded engine (E2E_EMBEDDED=1): PGlite lives inside one process, so there is
// no second process to reach.
const databaseUrl = inject('databaseUrl');
const PASSWORD = 'Tulipe-Rouge-2027!';

interface Person { id: string; handle: string; email: string; cookie: string }
interface StreamMessage { event: string; payload: { post?: { id: string }; postId?: string } }

let a: RunningServer;
let b: RunningServer;
let dropDatabase = async () => {};
const env: Record<string, string> = {};
const cleanups: Array<() => void> = [];

async function api(server: RunningServer, method: string, path: string, options: { cookie?: string; body?: object } = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { origin: server.url, ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.body ? { 'content-type': 'application/json' } : {}) },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function person(server: RunningServer, handle: string): Promise<Person> {
  const email = `${handle}@example.org`;
  await caucus(['create-admin', '--email', email, '--handle', handle, '--name', handle, '--password', PASSWORD], env);
  const response = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('caucus_session='))!;
  return { id: ((await response.json()) as { id: string }).id, handle, email, cookie };
}

/** A streaming client with its messages, through Node's own WebSocket (the token goes in the query). */
function stream(server: RunningServer, token: string, query = '') {
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/streaming?access_token=${token}${query}`);
  const messages: StreamMessage[] = [];
  socket.addEventListener('message', (event) => messages.push(JSON.parse(String(event.data)) as StreamMessage));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.addEventListener('close', (event) => resolve({ code: event.code, reason: event.reason })));
  cleanups.push(() => socket.close());
  return { socket, messages, closed };
}

function live(server: RunningServer, cookie: string): Promise<Socket> {
  const socket = connectLive(server.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie, origin: server.url } });
  cleanups.push(() => socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const postIdOf = (message: StreamMessage) => message.payload.post?.id ?? message.payload.postId;
async function until<T>(read: () => T | undefined, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function within<T>(promise: Promise<T>, what: string, ms = 5000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}

describe.skipIf(!databaseUrl)('two caucus serve processes on one PostgreSQL (skipped on the embedded engine: one process only)', () => {
  let owner: Person;
  let nadia: Person;
  let leo: Person;
  let slug: string;

  beforeAll(async () => {
    const scratch = await createScratchDatabase(databaseUrl);
    env.DATABASE_URL = scratch.url;
    dropDatabase = scratch.drop;
    // One after the other: the first applies the migrations.
    a = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });
    b = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });

    owner = await person(b, 'camille');
    nadia = await person(a, 'nadia');
    leo = await person(a, 'leo');
    for (const demoted of [nadia, leo]) expect((await api(b, 'PUT', `/admin/members/${demoted.id}/role`, { cookie: owner.cookie, body: { role: 'member' } })).status).toBe(200);

    // A private group, organised by the owner through B; Nadia asks through A, the owner approves through B.
    const group = await api(b, 'POST', '/groups', { cookie: owner.cookie, body: { name: 'Lyon 7e arrondissement', visibility: 'private' } });
    expect(group.status, JSON.stringify(group.body)).toBe(201);
    slug = group.body.slug;
    expect((await api(a, 'POST', `/groups/${slug}/join`, { cookie: nadia.cookie })).status).toBe(200);
    expect((await api(b, 'POST', `/groups/${slug}/members/${nadia.handle}/approve`, { cookie: owner.cookie })).status).toBe(200);
  });

  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await Promise.all([a?.stop(), b?.stop()]);
    await dropDatabase();
  });

  const tokenFor = async (server: RunningServer, who: Person) => {
    const response = await api(server, 'POST', '/me/access-tokens', { cookie: who.cookie, body: { name: 'deux processus' } });
    expect(response.status).toBe(201);
    return response.body as { token: string; accessToken: { id: string } };
  };

  it('a post written through B reaches socket.io and the streaming API on A, and not a non-member on A', async () => {
    const nadiaLive = await live(a, nadia.cookie);
    const leoLive = await live(a, leo.cookie);
    const nadiaStream = stream(a, (await tokenFor(a, nadia)).token);
    const leoStream = stream(a, (await tokenFor(a, leo)).token);
    await until(() => (nadiaStream.messages[0]?.event === 'stream.ready' && leoStream.messages[0]?.event === 'stream.ready') || undefined, 'both streams to be ready');
    const liveSeen: Record<string, string[]> = { nadia: [], leo: [] };
    nadiaLive.on('post.created', (payload: { post: { id: string } }) => liveSeen.nadia!.push(payload.post.id));
    leoLive.on('post.created', (payload: { post: { id: string } }) => liveSeen.leo!.push(payload.post.id));

    const created = await api(b, 'POST', `/groups/${slug}/posts`, { cookie: owner.cookie, body: { body: 'Tractage samedi, marché de la Guillotière' } });
    expect(created.status).toBe(201);
    const id: string = created.body.id;
    await until(() => (liveSeen.nadia!.includes(id) ? true : undefined), 'socket.io on A to receive the post');
    const streamed = await until(() => nadiaStream.messages.find((m) => m.event === 'post.created' && postIdOf(m) === id), 'the stream on A to receive the post');
    expect(JSON.stringify(streamed)).toContain('Tractage samedi');

    // A sentinel Leo must receive (the network wall), published after the group post had reached A.
    const sentinel = await api(b, 'POST', '/walls/network/posts', { cookie: owner.cookie, body: { body: 'Meeting national dimanche' } });
    expect(sentinel.status).toBe(201);
    await until(() => (liveSeen.leo!.includes(sentinel.body.id) ? true : undefined), 'socket.io on A to give Leo the network post');
    await until(() => leoStream.messages.find((m) => postIdOf(m) === sentinel.body.id), 'the stream on A to give Leo the network post');
    expect(liveSeen.leo).not.toContain(id);
    expect(leoStream.messages.some((m) => postIdOf(m) === id)).toBe(false);
  });

  it('a post too long for a NOTIFY (over 8,000 bytes) crosses too, through the adapter\'s table', async () => {
    const nadiaStream = stream(a, (await tokenFor(a, nadia)).token);
    await until(() => (nadiaStream.messages[0]?.event === 'stream.ready' ? true : undefined), 'the stream to be ready');
    const long = `Compte rendu de l'assemblée. ${'La section a voté le programme du printemps. '.repeat(200)}`.slice(0, 9500);
    const created = await api(b, 'POST', `/groups/${slug}/posts`, { cookie: owner.cookie, body: { body: long } });
    expect(created.status).toBe(201);
    const streamed = await until(() => nadiaStream.messages.find((m) => postIdOf(m) === created.body.id), 'the long post on A');
    expect(JSON.stringify(streamed).length).toBeGreaterThan(9000);
  });

  it('a ban through B stops the group at once on A; a token revoked through B closes its stream on A', async () => {
    const { token, accessToken } = await tokenFor(a, nadia);
    const groupStream = stream(a, token, `&stream=group&group=${slug}`);
    await until(() => (groupStream.messages[0]?.event === 'stream.ready' ? true : undefined), 'the group stream to be ready');
    const homeStream = stream(a, token);
    await until(() => (homeStream.messages[0]?.event === 'stream.ready' ? true : undefined), 'the home stream to be ready');

    expect((await api(b, 'POST', `/groups/${slug}/members/${nadia.handle}/ban`, { cookie: owner.cookie })).status).toBe(200);
    const after = await api(b, 'POST', `/groups/${slug}/posts`, { cookie: owner.cookie, body: { body: 'Après le bannissement' } });
    expect(after.status).toBe(201);
    expect((await within(groupStream.closed, 'the group stream to close')).code).toBe(4403);
    expect(groupStream.messages.some((m) => postIdOf(m) === after.body.id)).toBe(false);

    expect((await api(b, 'DELETE', `/me/access-tokens/${accessToken.id}`, { cookie: nadia.cookie })).status).toBe(200);
    expect(await within(homeStream.closed, 'the home stream to close')).toEqual({ code: 4401, reason: 'Access token revoked.' });
    expect(homeStream.messages.some((m) => postIdOf(m) === after.body.id)).toBe(false);
  });
});
