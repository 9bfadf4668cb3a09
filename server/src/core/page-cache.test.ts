import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import { buildApp } from '../app.ts';
import { createMember, createTestApp, type TestApp } from '../testing/test-app.ts';
import { openDatabase } from './db.ts';
import { createPageCache, PAGE_LOCALES, pageLocale, type PageCache } from './page-cache.ts';

// The cache's input is a Node request handler: this one renders a counter, in the language the
// request resolves to, and echoes the visitor's session cookie. It marks EVERY answer `public`
// (unless asked not to), signed-in ones too: the cache alone must keep viewers apart.
function counterPage() {
  let renders = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    renders += 1;
    const url = new URL(req.url ?? '/', 'http://page');
    const locale = pageLocale(req.headers.cookie ?? '', req.headers['accept-language']);
    const session = /caucus_session=([^;]*)/.exec(req.headers.cookie ?? '')?.[1] ?? 'none';
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('content-language', url.searchParams.get('claims-language') ?? locale);
    if (url.pathname !== '/private') res.setHeader('cache-control', url.pathname === '/with-max-age' ? 'max-age=60' : 'public');
    if (url.pathname === '/sets-cookie') res.setHeader('set-cookie', 'flash=1; Path=/');
    res.statusCode = url.pathname === '/missing' ? 404 : 200;
    res.end(`<p lang="${locale}">render ${renders} for ${session}</p>`);
  };
  return { handler, renders: () => renders };
}

describe('the page cache in front of a handler', () => {
  let clock = 0;
  let server: Server;
  let base: string;
  let cache: PageCache;
  let page: ReturnType<typeof counterPage>;

  beforeAll(async () => {
    server = createServer((req, res) => cache.serve(req, res, 'http://page', () => {
      // A write lands while this page renders: what it rendered may already be out of date.
      if (req.url === '/written-meanwhile') cache.invalidate();
      page.handler(req, res);
    }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    clock = 0;
  });
  const fresh = (options: { maxEntries?: number; maxBytes?: number } = {}) => {
    cache = createPageCache({ ttlMs: 5_000, now: () => clock, ...options });
    page = counterPage();
  };
  const get = async (path: string, headers: Record<string, string> = {}, method = 'GET') => {
    const response = await fetch(`${base}${path}`, { method, headers });
    return { status: response.status, headers: response.headers, body: await response.text() };
  };

  it('serves the second anonymous request from the cache, with the headers a CDN needs', async () => {
    fresh();
    const first = await get('/groups/paris');
    const second = await get('/groups/paris');
    expect(first.headers.get('x-caucus-cache')).toBe('miss');
    expect(second.headers.get('x-caucus-cache')).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(page.renders()).toBe(1);
    expect(second.headers.get('cache-control')).toBe('public, max-age=0, s-maxage=5');
    expect(second.headers.get('vary')).toBe('Cookie, Accept-Language');
    expect(second.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(Number(second.headers.get('content-length'))).toBe(Buffer.byteLength(second.body));
  });

  it('answers 304 to a matching If-None-Match, and HEAD from the same entry without a body', async () => {
    fresh();
    const { headers } = await get('/groups/paris');
    const etag = headers.get('etag')!;
    const revalidated = await get('/groups/paris', { 'if-none-match': `"other", ${etag}` });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body).toBe('');
    expect(revalidated.headers.get('etag')).toBe(etag);
    const head = await get('/groups/paris', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('x-caucus-cache')).toBe('hit');
    expect(head.headers.get('etag')).toBe(etag);
    expect(head.body).toBe('');
    expect(page.renders()).toBe(1);
  });

  it('a HEAD alone does not fill the cache', async () => {
    fresh();
    await get('/groups/paris', {}, 'HEAD');
    expect((await get('/groups/paris')).headers.get('x-caucus-cache')).toBe('miss');
  });

  it('keeps an entry five seconds (the hard TTL), then renders again', async () => {
    fresh();
    await get('/groups/paris');
    clock = 4_999;
    expect((await get('/groups/paris')).headers.get('x-caucus-cache')).toBe('hit');
    clock = 5_000;
    const expired = await get('/groups/paris');
    expect(expired.headers.get('x-caucus-cache')).toBe('miss');
    expect(expired.body).toContain('render 2');
  });

  it('keeps only what the page marked public, answered 200, without a cookie of its own', async () => {
    fresh();
    for (const path of ['/private', '/with-max-age', '/sets-cookie', '/missing']) {
      const first = await get(path);
      const second = await get(path);
      expect(second.headers.get('x-caucus-cache'), path).toBeNull();
      expect(second.body, path).not.toBe(first.body);
    }
    // Untouched on the way through: the page's own headers, its cookie.
    expect((await get('/private')).headers.get('cache-control')).toBeNull();
    expect((await get('/sets-cookie')).headers.get('set-cookie')).toBe('flash=1; Path=/');
    expect(cache.stats().entries).toBe(0);
  });

  it('a request with a session cookie, even an invalid one, or an Authorization header, never reads nor fills it', async () => {
    fresh();
    const anonymous = await get('/groups/paris');
    const alice = await get('/groups/paris', { cookie: `${SESSION_COOKIE}=alice` });
    const bob = await get('/groups/paris', { cookie: `theme=dark; ${SESSION_COOKIE}=bob` });
    const bogus = await get('/groups/paris', { cookie: `${SESSION_COOKIE}=` });
    const bearer = await get('/groups/paris', { authorization: 'Bearer token' });
    expect(alice.body).toContain('for alice');
    expect(bob.body).toContain('for bob');
    for (const answer of [alice, bob, bogus, bearer]) expect(answer.headers.get('x-caucus-cache')).toBeNull();
    expect(page.renders()).toBe(5);
    // An anonymous visitor right after the members gets the anonymous page.
    const after = await get('/groups/paris');
    expect(after.body).toBe(anonymous.body);
    expect(after.headers.get('x-caucus-cache')).toBe('hit');
  });

  it('never gives a French visitor the English page, nor the other way round', async () => {
    fresh();
    const french = await get('/groups/paris', { 'accept-language': 'fr-FR,fr;q=0.9' });
    const english = await get('/groups/paris', { 'accept-language': 'en-GB,en;q=0.8' });
    expect(french.body).toContain('lang="fr"');
    expect(english.body).toContain('lang="en"');
    // Other ways of asking for the same language share its entry; the cookie comes before the header.
    expect((await get('/groups/paris', { 'accept-language': 'en' })).body).toBe(english.body);
    expect((await get('/groups/paris', { cookie: 'PARAGLIDE_LOCALE=en', 'accept-language': 'fr' })).body).toBe(english.body);
    expect((await get('/groups/paris', { cookie: 'PARAGLIDE_LOCALE=fr', 'accept-language': 'en' })).body).toBe(french.body);
    expect((await get('/groups/paris')).body).toBe(french.body);
    expect(page.renders()).toBe(2);
  });

  it('does not keep a page whose language is not the one its key says', async () => {
    fresh();
    await get('/groups/paris?claims-language=en', { 'accept-language': 'fr' });
    expect((await get('/groups/paris?claims-language=en', { 'accept-language': 'fr' })).headers.get('x-caucus-cache')).toBeNull();
  });

  it('does not keep a page rendered while a write emptied the cache', async () => {
    fresh();
    await get('/written-meanwhile');
    expect((await get('/written-meanwhile')).headers.get('x-caucus-cache')).toBe('miss');
    expect(cache.stats().entries).toBe(0);
  });

  it('keys on the path and the query string', async () => {
    fresh();
    await get('/groups/paris');
    expect((await get('/groups/paris?cursor=abc')).headers.get('x-caucus-cache')).toBe('miss');
    expect((await get('/groups/lyon')).headers.get('x-caucus-cache')).toBe('miss');
  });

  it('stays within its bounds, in entries and in bytes', async () => {
    fresh({ maxEntries: 2 });
    for (const path of ['/a', '/b', '/c']) await get(path);
    expect(cache.stats().entries).toBe(2);
    expect((await get('/a')).headers.get('x-caucus-cache')).toBe('miss');
    fresh({ maxBytes: 60 });
    await get('/a');
    await get('/b');
    expect(cache.stats().bytes).toBeLessThanOrEqual(60);
    expect(cache.stats().entries).toBe(1);
  });

  it('invalidate() drops everything at once; closed, it serves and keeps nothing', async () => {
    fresh();
    await get('/groups/paris');
    cache.invalidate();
    expect((await get('/groups/paris')).headers.get('x-caucus-cache')).toBe('miss');
    cache.setOpen(false);
    expect((await get('/groups/paris')).headers.get('x-caucus-cache')).toBeNull();
    expect((await get('/groups/paris')).headers.get('x-caucus-cache')).toBeNull();
    cache.setOpen(true);
    expect((await get('/groups/paris')).headers.get('x-caucus-cache')).toBe('miss');
  });

  it('knows the same languages as the web app, French first', () => {
    const settings = JSON.parse(readFileSync(new URL('../../../web/project.inlang/settings.json', import.meta.url), 'utf8')) as { baseLocale: string; locales: string[] };
    expect([...PAGE_LOCALES]).toEqual([settings.baseLocale, ...settings.locales.filter((l) => l !== settings.baseLocale)]);
    expect(pageLocale('', undefined)).toBe('fr');
    expect(pageLocale('', 'de-DE, en;q=0.5, fr;q=0.4')).toBe('en');
    expect(pageLocale('PARAGLIDE_LOCALE=de', 'en')).toBe('en');
    expect(pageLocale('', 'EN-us')).toBe('en');
  });
});

describe('the page cache in the app: emptied by every write', () => {
  let t: TestApp;
  let page: ReturnType<typeof counterPage>;

  beforeAll(async () => {
    page = counterPage();
    t = await createTestApp({}, { web: (req, res) => page.handler(req, res) });
    await until(() => t.app.pageCache.isOpen(), 'the page cache to LISTEN');
  });
  afterAll(() => t.close());

  const outcome = async (app = t.app) => (await app.inject({ method: 'GET', url: '/groups/paris' })).headers['x-caucus-cache'];

  it('a successful unsafe API request empties it; a refused one does not', async () => {
    const member = await createMember(t);
    await outcome();
    expect(await outcome()).toBe('hit');
    const refused = await t.request({ method: 'POST', url: '/api/v1/groups', as: member.token, payload: { name: '' } });
    expect(refused.statusCode).toBe(400);
    expect(await outcome()).toBe('hit');
    const created = await t.request({ method: 'POST', url: '/api/v1/groups', as: member.token, payload: { name: 'Groupe de Paris', visibility: 'public' } });
    expect(created.statusCode).toBe(201);
    expect(await outcome()).toBe('miss');
  });

  it('a domain event (a job publishes them too) empties it', async () => {
    await outcome();
    expect(await outcome()).toBe('hit');
    t.app.events.publish('post.deleted', { postId: '00000000-0000-7000-8000-000000000000' } as never, ['network']);
    expect(await outcome()).toBe('miss');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('tells the other processes through NOTIFY, and serves nothing while it cannot hear them', async () => {
    const other = counterPage();
    const url = t.db.pool.options.connectionString!;
    const db = await openDatabase({ databaseUrl: url, poolMax: 3 });
    const second = await buildApp({ config: t.config, db, web: (req, res) => other.handler(req, res), logger: false });
    try {
      await second.ready();
      await until(() => second.pageCache.isOpen(), 'the second process to LISTEN');
      await outcome(second);
      expect(await outcome(second)).toBe('hit');
      const member = await createMember(t);
      // Written through the first process: the second drops its page as soon as the NOTIFY lands.
      await t.request({ method: 'POST', url: '/api/v1/groups', as: member.token, payload: { name: 'Groupe de Lyon', visibility: 'public' } });
      // Well before the entry's five seconds are up: the NOTIFY, not the TTL.
      await until(async () => (await outcome(second)) === 'miss', 'the second process to drop its page', 1_500);

      // Its LISTEN connection lost (as in a PostgreSQL restart): it serves nothing until it listens again.
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN caucus_pages' AND pid <> pg_backend_pid()");
      } finally {
        await admin.end();
      }
      await until(() => !second.pageCache.isOpen(), 'the second process to notice');
      expect(await outcome(second)).toBeUndefined();
      expect(await outcome(second)).toBeUndefined();
      await until(() => second.pageCache.isOpen(), 'the second process to LISTEN again');
      await outcome(second);
      expect(await outcome(second)).toBe('hit');
      await t.request({ method: 'POST', url: '/api/v1/groups', as: member.token, payload: { name: 'Groupe de Lille', visibility: 'public' } });
      await until(async () => (await outcome(second)) === 'miss', 'the second process to hear again', 1_500);
    } finally {
      await second.close();
      await db.close();
    }
  });
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
