import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io as connectLive, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.ts';
import { caucus, startServer, type RunningServer } from '../support/server.ts';

// Issue 9, item 8: a restart (or a crash) of PostgreSQL under two running `caucus serve` processes
// used to kill both ("Unhandled 'error' event" from the live adapter's LISTEN connection). Now they
// stay up, answer 503 (not 500) while the database is away, and resume by themselves: requests,
// jobs, and live events across processes.
const PASSWORD = 'Tulipe-Rouge-2027!';

interface Person { handle: string; email: string; cookie: string }

let cluster: ThrowawayPostgres;
let a: RunningServer;
let b: RunningServer;
let dataDir: string;
const env: Record<string, string> = {};
const sockets: Socket[] = [];

async function call(server: RunningServer, method: string, url: string, options: { cookie?: string; body?: object } = {}) {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { origin: server.url, ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.body ? { 'content-type': 'application/json' } : {}) },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    // A probe or a request while the database is away must answer, not hang.
    signal: AbortSignal.timeout(5_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function logIn(server: RunningServer, handle: string): Promise<Person> {
  const email = `${handle}@example.org`;
  const response = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('caucus_session='))!;
  return { handle, email, cookie };
}

function live(server: RunningServer, cookie: string): Promise<Socket> {
  const socket = connectLive(server.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, extraHeaders: { cookie, origin: server.url } });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

async function until<T>(read: () => Promise<T | undefined> | T | undefined, what: string, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function outboxTo(email: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ subject: string }>('SELECT subject FROM outbox WHERE to_address = $1', [email]);
    return rows.map((r) => r.subject);
  } finally {
    await client.end();
  }
}

describe('a PostgreSQL restart or crash under two running caucus serve processes', () => {
  let camille: Person;
  let leo: Person;
  let leoLive: Socket;
  const seenByLeo: string[] = [];

  beforeAll(async () => {
    cluster = await startThrowawayPostgres();
    dataDir = mkdtempSync(path.join(tmpdir(), 'caucus-fault-restart-'));
    Object.assign(env, { DATABASE_URL: cluster.url, DATA_DIR: dataDir });
    for (const handle of ['camille', 'leo']) {
      await caucus(['create-admin', '--email', `${handle}@example.org`, '--handle', handle, '--name', handle, '--password', PASSWORD], env);
    }
    a = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });
    b = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });
    camille = await logIn(a, 'camille');
    leo = await logIn(b, 'leo');
    // Léo watches live on B; Camille writes through A: the post crosses through the database.
    leoLive = await live(b, leo.cookie);
    leoLive.on('post.created', (payload: { post: { id: string } }) => seenByLeo.push(payload.post.id));
    const before = await call(a, 'POST', '/api/v1/walls/network/posts', { cookie: camille.cookie, body: { body: 'Avant la panne' } });
    expect(before.status).toBe(201);
    await until(() => (seenByLeo.includes(before.body.id) ? true : undefined), 'Léo to receive a post live on B before any fault', 10_000);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** While the database is away: not ready, and a request is a 503 that says so, within a bounded time. */
  async function expectUnavailable() {
    for (const server of [a, b]) {
      const ready = await until(async () => {
        const r = await call(server, 'GET', '/readyz');
        return r.status === 503 ? r : undefined;
      }, '/readyz to say not ready', 5_000);
      expect(ready.body.status).toBe('database unavailable');
    }
    const started = Date.now();
    const me = await call(a, 'GET', '/api/v1/me', { cookie: camille.cookie });
    const post = await call(b, 'POST', '/api/v1/walls/network/posts', { cookie: leo.cookie, body: { body: 'Pendant la panne' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const response of [me, post]) {
      expect(response.status, JSON.stringify(response.body)).toBe(503);
      expect(response.body).toEqual({ error: 'database_unavailable', message: 'The database is unavailable; try again in a moment.' });
      expect(response.headers.get('retry-after')).toBe('5');
    }
    expect(a.process.exitCode).toBeNull();
    expect(b.process.exitCode).toBeNull();
  }

  for (const how of ['fast', 'crash'] as const) {
    it(`${how === 'fast' ? 'a fast restart' : 'a crash (SIGKILL of the postmaster)'}: both stay up, answer 503 meanwhile, then resume requests, jobs and live events by themselves`, async () => {
      await cluster.halt(how);
      try {
        await expectUnavailable();
      } finally {
        await cluster.resume();
      }
      for (const server of [a, b]) await until(async () => ((await call(server, 'GET', '/readyz')).status === 200 ? true : undefined), '/readyz to say ready again', 15_000);

      // Requests: a signed-in member writes (the session lookup, a transaction). Live: the post
      // reaches Léo's open connection on the other process. Jobs: the mention's e-mail is sent.
      const mailsBefore = (await outboxTo(leo.email)).length;
      const created = await call(a, 'POST', '/api/v1/walls/network/posts', { cookie: camille.cookie, body: { body: `Réunion ce soir (${how}), @leo es-tu là ?` } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await until(() => (seenByLeo.includes(created.body.id) ? true : undefined), 'Léo to receive the post live on B', 15_000);
      expect(leoLive.connected).toBe(true);
      await until(async () => ((await outboxTo(leo.email)).length > mailsBefore ? true : undefined), 'the mention e-mail to reach the outbox', 20_000);
      expect(a.process.exitCode).toBeNull();
      expect(b.process.exitCode).toBeNull();
    });
  }
});
