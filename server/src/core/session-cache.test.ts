import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import { buildApp } from '../app.ts';
import { createMember, createTestApp, ORIGIN, type TestApp } from '../testing/test-app.ts';
import { openDatabase, type DbHandle } from './db.ts';
import { createSessionCache, type CachedSession } from './session-cache.ts';

const session = (memberId: string): CachedSession => ({
  publicId: 'p', expiresAt: new Date(Date.now() + 86_400_000), lastSeenAt: new Date(), memberId, handle: 'h', displayName: 'H', role: 'member', emailVerified: true, handleChosen: true,
});

describe('the session cache on its own', () => {
  it('serves an entry for 30 s at most, whatever happens meanwhile (a fake clock)', () => {
    let clock = 1_000_000;
    const cache = createSessionCache({ now: () => clock });
    cache.remember('s1', session('m1'), cache.startLookup());
    clock += 29_999;
    expect(cache.get('s1')?.memberId).toBe('m1');
    clock += 1;
    expect(cache.get('s1')).toBeUndefined();
  });

  it('holds a bounded number of entries, dropping the oldest', () => {
    const cache = createSessionCache({ maxEntries: 2 });
    for (const id of ['a', 'b', 'c']) cache.remember(id, session(`m-${id}`), cache.startLookup());
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')?.memberId).toBe('m-c');
  });

  it('does not keep a lookup that began before a forget (it may have read the row as it was)', () => {
    const cache = createSessionCache();
    const lookup = cache.startLookup();
    cache.forgetMember('someone else');
    cache.remember('s1', session('m1'), lookup);
    expect(cache.get('s1')).toBeUndefined();
  });

  it('forgets every session of a member at once, and only theirs', () => {
    const cache = createSessionCache();
    for (const [id, member] of [['s1', 'm1'], ['s2', 'm1'], ['s3', 'm2']] as const) cache.remember(id, session(member), cache.startLookup());
    cache.forgetMember('m1');
    expect([cache.get('s1'), cache.get('s2'), cache.get('s3')?.memberId]).toEqual([undefined, undefined, 'm2']);
  });

  it('answers nothing and keeps nothing while not serving (its LISTEN connection is down)', () => {
    const cache = createSessionCache();
    cache.remember('s1', session('m1'), cache.startLookup());
    cache.setServing(false);
    expect(cache.get('s1')).toBeUndefined();
    cache.remember('s2', session('m2'), cache.startLookup());
    cache.setServing(true);
    expect(cache.get('s2')).toBeUndefined();
  });
});

/** Counts the session lookups that reach the database (the named statement of session.ts). */
function countLookups(handle: DbHandle): { count: () => number } {
  let n = 0;
  const pool = handle.pool as unknown as { query: (...args: unknown[]) => unknown };
  const query = pool.query.bind(handle.pool);
  pool.query = (...args: unknown[]) => {
    if ((args[0] as { name?: string } | undefined)?.name === 'caucus_session_lookup') n += 1;
    return query(...args);
  };
  return { count: () => n };
}

const me = (app: FastifyInstance, token: string) => app.inject({ method: 'GET', url: '/api/v1/me', headers: { origin: ORIGIN, cookie: `${SESSION_COOKIE}=${token}` } });
const adminList = (app: FastifyInstance, token: string) => app.inject({ method: 'GET', url: '/api/v1/admin/members', headers: { origin: ORIGIN, cookie: `${SESSION_COOKIE}=${token}` } });
const post = (app: FastifyInstance, token: string, url: string, payload?: object) =>
  app.inject({ method: payload ? 'PUT' : 'POST', url, headers: { origin: ORIGIN, cookie: `${SESSION_COOKIE}=${token}` }, ...(payload ? { payload } : {}) });

describe('the session cache in one process', () => {
  let t: TestApp;
  let lookups: { count: () => number };
  beforeAll(async () => {
    t = await createTestApp();
    lookups = countLookups(t.db);
  });
  afterAll(() => t.close());

  it('answers a second request without asking the database', async () => {
    const member = await createMember(t);
    expect((await me(t.app, member.token)).statusCode).toBe(200);
    const before = lookups.count();
    expect((await me(t.app, member.token)).statusCode).toBe(200);
    expect((await me(t.app, member.token)).statusCode).toBe(200);
    expect(lookups.count()).toBe(before);
  });

  it('refuses a session at once after its logout', async () => {
    const member = await createMember(t);
    expect((await me(t.app, member.token)).statusCode).toBe(200);
    expect((await post(t.app, member.token, '/api/v1/auth/logout')).statusCode).toBe(200);
    expect((await me(t.app, member.token)).statusCode).toBe(401);
  });

  it('sees a role change at once', async () => {
    const owner = await createMember(t, { role: 'owner' });
    const member = await createMember(t);
    expect((await adminList(t.app, member.token)).statusCode).toBe(403);
    expect((await post(t.app, owner.token, `/api/v1/admin/members/${member.id}/role`, { role: 'admin' })).statusCode).toBe(200);
    expect((await adminList(t.app, member.token)).statusCode).toBe(200);
  });
});

/** Polls up to 2 s (the TTL is 30 s: a change seen within it came by notification). */
async function within2s(check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < 2_000) {
    if (await check()) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('not seen within 2 s');
}

// Two processes are two apps, each with its own pool, cache and LISTEN connection, on one database.
describe.skipIf(!process.env.TEST_DATABASE_URL)('the session cache across two processes', () => {
  let t: TestApp;
  let other: { app: FastifyInstance; db: DbHandle };
  let lookups: { count: () => number };
  beforeAll(async () => {
    t = await createTestApp();
    const db = await openDatabase({ databaseUrl: t.db.pool.options.connectionString!, poolMax: 3 });
    other = { db, app: await buildApp({ config: t.config, db, web: 'none', logger: false }) };
    await other.app.ready();
    lookups = countLookups(t.db);
  });
  afterAll(async () => {
    await other.app.close();
    await other.db.close();
    await t.close();
  });

  it('refuses in A, shortly, a session that B logged out', async () => {
    const member = await createMember(t);
    expect((await me(t.app, member.token)).statusCode).toBe(200);
    const cached = lookups.count();
    expect((await me(t.app, member.token)).statusCode).toBe(200);
    expect(lookups.count()).toBe(cached); // A serves it from its cache
    expect((await post(other.app, member.token, '/api/v1/auth/logout')).statusCode).toBe(200);
    await within2s(async () => (await me(t.app, member.token)).statusCode === 401);
  });

  it('ends in A the sessions that a password change in B ended', async () => {
    const member = await createMember(t);
    const elsewhere = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: ORIGIN }, payload: { email: member.email, password: 'Tulipe-Rouge-2027!' }, remoteAddress: '10.9.9.9' })).cookies.find((c) => c.name === SESSION_COOKIE)!.value;
    expect((await me(t.app, elsewhere)).statusCode).toBe(200);
    const change = await other.app.inject({ method: 'POST', url: '/api/v1/auth/password', headers: { origin: ORIGIN, cookie: `${SESSION_COOKIE}=${member.token}` }, payload: { currentPassword: 'Tulipe-Rouge-2027!', newPassword: 'Jonquille-Bleue-2028?' } });
    expect(change.statusCode).toBe(200);
    await within2s(async () => (await me(t.app, elsewhere)).statusCode === 401);
    expect((await me(t.app, member.token)).statusCode).toBe(200);
  });

  it('sees in A, shortly, a role that B changed', async () => {
    const owner = await createMember(t, { role: 'owner' });
    const member = await createMember(t);
    expect((await adminList(t.app, member.token)).statusCode).toBe(403);
    expect((await post(other.app, owner.token, `/api/v1/admin/members/${member.id}/role`, { role: 'admin' })).statusCode).toBe(200);
    await within2s(async () => (await adminList(t.app, member.token)).statusCode === 200);
    expect((await post(other.app, owner.token, `/api/v1/admin/members/${member.id}/role`, { role: 'member' })).statusCode).toBe(200);
    await within2s(async () => (await adminList(t.app, member.token)).statusCode === 403);
  });

  it('reads from the database while its LISTEN connection is down, and serves again once it LISTENs anew', async () => {
    const member = await createMember(t);
    await me(t.app, member.token);
    expect(t.app.sessionCache.size).toBeGreaterThan(0);
    // Ends every LISTEN connection on this database: B's and the live adapters' come back by themselves too.
    await t.db.pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN caucus_sessions'`);
    await within2s(async () => !t.app.sessionCache.serving);
    const before = lookups.count();
    expect((await me(t.app, member.token)).statusCode).toBe(200);
    expect(lookups.count()).toBe(before + 1);
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // retried after 1 s
    await within2s(async () => t.app.sessionCache.serving);
    // The row A may have cached is gone: B's logout must still reach A, on the new connection.
    await me(t.app, member.token);
    expect((await post(other.app, member.token, '/api/v1/auth/logout')).statusCode).toBe(200);
    await within2s(async () => (await me(t.app, member.token)).statusCode === 401);
  });
});
