import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/postgres.ts';
import { runCaucus, startServer, type RunningServer } from '../support/server.ts';

// The embedded database's folder belongs to one process: a second opener used to see only its own
// writes, so `create-admin` said "Created admin" for an admin that never existed, and posts the
// server had acknowledged were gone after a restart (0 of 30 kept).
const PASSWORD = 'Tulipe-Rouge-2027!';
const dataDir = mkdtempSync(path.join(tmpdir(), 'caucus-lock-'));
// No DATABASE_URL: the embedded engine in DATA_DIR/db.
const env = { DATA_DIR: dataDir, DATABASE_URL: '', RATE_LIMIT_POSTS_PER_MINUTE: '1000' };
let server: RunningServer;

async function start(): Promise<RunningServer> {
  return startServer({ ...env, PORT: String(await freePort()) }, { timeoutMs: 90_000 });
}

async function api(method: string, url: string, options: { body?: unknown; cookie?: string } = {}): Promise<Response> {
  return fetch(`${server.url}/api/v1${url}`, {
    method,
    headers: {
      origin: server.url,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

async function login(email: string): Promise<Response> {
  return api('POST', '/auth/login', { body: { email, password: PASSWORD } });
}

function sessionCookie(response: Response): string {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('caucus_session='));
  if (!cookie) throw new Error(`no session cookie (status ${response.status})`);
  return cookie.split(';')[0]!;
}

/** Every post of the network wall, as the HTML the API gives. */
async function networkWallTexts(cookie: string): Promise<string[]> {
  const texts: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await api('GET', `/walls/network/posts?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { cookie });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { posts: Array<{ bodyHtml: string }>; pinned?: Array<{ bodyHtml: string }>; nextCursor: string | null };
    texts.push(...(page.pinned ?? []).map((p) => p.bodyHtml), ...page.posts.map((p) => p.bodyHtml));
    cursor = page.nextCursor;
  } while (cursor);
  return texts;
}

// Thirty posts the server acknowledged, before every other opener below tries the folder; the
// last tests restart the server and count them.
const written: string[] = [];

beforeAll(async () => {
  server = await start();
  const setup = await api('POST', '/setup', {
    body: { networkName: 'Réseau verrouillé', tagline: '', email: 'owner@example.org', password: PASSWORD, displayName: 'Odile', handle: 'odile', acceptPrivacyPolicy: true },
  });
  expect(setup.status).toBe(201);
  const cookie = sessionCookie(setup);
  for (let i = 1; i <= 30; i++) {
    const body = `Tract n°${i}`;
    expect((await api('POST', '/walls/network/posts', { cookie, body: { body } })).status).toBe(201);
    written.push(body);
  }
});

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the embedded database folder belongs to one process', () => {
  it('a second `caucus serve` on the same DATA_DIR exits at once, saying what to do', async () => {
    const started = Date.now();
    const second = await runCaucus(['serve'], { ...env, PORT: String(await freePort()), HOST: '127.0.0.1' }, { timeoutMs: 20_000 });
    expect(second.code, 'it must exit by itself').not.toBeNull();
    expect(second.code).not.toBe(0);
    expect(second.output).toMatch(/in use by `caucus serve` \(pid \d+/);
    expect(second.output).toMatch(/stop it first/);
    expect(Date.now() - started).toBeLessThan(15_000);
    // The first server is unharmed.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('`caucus migrate` answers through the running server, and `seed --demo` refuses with what to do', async () => {
    const migrate = await runCaucus(['migrate'], env);
    expect(migrate).toEqual({ code: 0, output: 'The database is up to date (the running server migrated it at start).' });

    const seed = await runCaucus(['seed', '--demo'], env);
    expect(seed.code).toBe(1);
    expect(seed.output).toMatch(/in use by `caucus serve`/);
    expect(seed.output).toMatch(/stop the server, run `caucus seed`, then start it again/);
  });

  it('`caucus create-admin` runs inside the running server, and the new admin can sign in to it', async () => {
    const created = await runCaucus(['create-admin', '--email', 'ada@example.org', '--handle', 'ada', '--name', 'Ada', '--password', PASSWORD], env);
    expect(created).toEqual({ code: 0, output: 'Created admin @ada <ada@example.org>.' });
    const signIn = await login('ada@example.org');
    expect(signIn.status).toBe(200);
    expect(await signIn.json()).toMatchObject({ handle: 'ada', role: 'admin' });

    // A refusal of the service comes back as it would alone: a message and a failing exit code.
    const again = await runCaucus(['create-admin', '--email', 'ada@example.org', '--handle', 'ada2', '--name', 'Ada', '--password', PASSWORD], env);
    expect(again.code).toBe(1);
    expect(again.output).toMatch(/already has an account/);
  });

  it('keeps every post the server acknowledged across a restart, after all those openers (0 of 30 kept)', async () => {
    await server.stop();
    expect(server.process.exitCode).toBe(0);
    server = await start();
    const tracts = (await networkWallTexts(sessionCookie(await login('owner@example.org')))).map((html) => /Tract n°\d+/.exec(html)?.[0]).filter(Boolean);
    expect(tracts.sort()).toEqual([...written].sort());
    expect((await login('ada@example.org')).status).toBe(200);
  });

  it('after the server is killed (SIGKILL), the next one takes the stale lock over and has the data', async () => {
    server.process.kill('SIGKILL');
    await new Promise((resolve) => server.process.once('exit', resolve));
    server = await start();
    expect((await login('owner@example.org')).status).toBe(200);
    expect((await runCaucus(['migrate'], env)).output).toMatch(/up to date \(the running server migrated it at start\)/);
  });
});
