import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase, freePort } from '../support/postgres.ts';
import { caucus, startServer, type RunningServer } from '../support/server.ts';

// The real pages behind the page cache (server/src/core/page-cache.ts), fetched without a browser:
// what a visitor without an account gets from the cache, and that a signed-in member, a private
// group and a fresh post never meet a kept page. Members are made with `caucus create-admin` while
// the server runs, which the embedded engine (one process) does not allow: skipped there.
const databaseUrl = inject('databaseUrl');
const PASSWORD = 'Tulipe-Rouge-2027!';

interface Person { id: string; cookie: string }
interface Page { status: number; cache: string | null; cacheControl: string | null; etag: string | null; body: string }

let server: RunningServer;
let dropDatabase = async () => {};
const env: Record<string, string> = {};

async function api(method: string, path: string, options: { cookie?: string; body?: object } = {}): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { origin: server.url, ...(options.cookie ? { cookie: options.cookie } : {}), ...(options.body ? { 'content-type': 'application/json' } : {}) },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function page(path: string, headers: Record<string, string> = {}): Promise<Page> {
  const response = await fetch(`${server.url}${path}`, { headers: { 'accept-language': 'fr-FR,fr;q=0.9', ...headers }, redirect: 'manual' });
  return { status: response.status, cache: response.headers.get('x-caucus-cache'), cacheControl: response.headers.get('cache-control'), etag: response.headers.get('etag'), body: await response.text() };
}

async function person(handle: string, name: string): Promise<Person> {
  const email = `${handle}@example.org`;
  await caucus(['create-admin', '--email', email, '--handle', handle, '--name', name, '--password', PASSWORD], env);
  const response = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('caucus_session='))!;
  return { id: ((await response.json()) as { id: string }).id, cookie };
}

describe.skipIf(!databaseUrl)('anonymous pages through the page cache (skipped on the embedded engine)', () => {
  let owner: Person;
  let nadia: Person;
  let leo: Person;
  let publicGroup: string;
  let privateGroup: string;

  beforeAll(async () => {
    const scratch = await createScratchDatabase(databaseUrl);
    env.DATABASE_URL = scratch.url;
    dropDatabase = scratch.drop;
    server = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });

    owner = await person('camille', 'Camille Organisatrice');
    nadia = await person('nadia', 'Nadia Membre');
    leo = await person('leo', 'Léo Visiteur');
    for (const demoted of [nadia, leo]) expect((await api('PUT', `/admin/members/${demoted.id}/role`, { cookie: owner.cookie, body: { role: 'member' } })).status).toBe(200);

    const open = await api('POST', '/groups', { cookie: owner.cookie, body: { name: 'Paris 11e arrondissement', visibility: 'public' } });
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    publicGroup = `/groups/${open.body.slug}`;
    expect((await api('POST', `${publicGroup}/posts`, { cookie: owner.cookie, body: { body: 'Tractage au marché Bastille' } })).status).toBe(201);

    const closed = await api('POST', '/groups', { cookie: owner.cookie, body: { name: 'Lyon 7e arrondissement', visibility: 'private' } });
    expect(closed.status).toBe(201);
    privateGroup = `/groups/${closed.body.slug}`;
    expect((await api('POST', `${privateGroup}/join`, { cookie: nadia.cookie })).status).toBe(200);
    expect((await api('POST', `${privateGroup}/members/nadia/approve`, { cookie: owner.cookie })).status).toBe(200);
    expect((await api('POST', `${privateGroup}/posts`, { cookie: owner.cookie, body: { body: 'Réunion interne jeudi' } })).status).toBe(201);
  });

  afterAll(async () => {
    await server?.stop();
    await dropDatabase();
  });

  it('serves a public group to visitors from the cache from the second request on, in their language', async () => {
    const french = await page(publicGroup);
    const frenchAgain = await page(publicGroup);
    expect(french.status).toBe(200);
    expect([french.cache, frenchAgain.cache]).toEqual(['miss', 'hit']);
    expect(frenchAgain.body).toBe(french.body);
    expect(french.body).toContain('<html lang="fr"');
    expect(french.body).toContain('Tractage au marché Bastille');
    expect(frenchAgain.cacheControl).toBe('public, max-age=0, s-maxage=5');

    const english = await page(publicGroup, { 'accept-language': 'en-US,en;q=0.9' });
    const englishAgain = await page(publicGroup, { 'accept-language': 'en-US,en;q=0.9' });
    expect([english.cache, englishAgain.cache]).toEqual(['miss', 'hit']);
    expect(english.body).toContain('<html lang="en"');
    expect(english.body).not.toBe(french.body);
    // The language cookie wins over the header, as in the pages themselves.
    expect((await page(publicGroup, { cookie: 'PARAGLIDE_LOCALE=en' })).body).toContain('<html lang="en"');
    expect((await page(publicGroup, { cookie: 'PARAGLIDE_LOCALE=fr', 'accept-language': 'en' })).body).toContain('<html lang="fr"');

    const revalidated = await fetch(`${server.url}${publicGroup}`, { headers: { 'accept-language': 'fr', 'if-none-match': frenchAgain.etag! } });
    expect(revalidated.status).toBe(304);
  });

  it('never answers a signed-in member from the cache, and members with different rights see different pages', async () => {
    await page(privateGroup);
    await page(publicGroup);
    for (const path of [privateGroup, publicGroup]) {
      const ofNadia = await page(path, { cookie: nadia.cookie });
      const ofLeo = await page(path, { cookie: leo.cookie });
      for (const answer of [ofNadia, ofLeo]) {
        expect(answer.status).toBe(200);
        expect(answer.cache).toBeNull();
        expect(answer.cacheControl).toBe('private, no-cache');
      }
      expect(ofNadia.body).toContain('Nadia Membre');
      expect(ofLeo.body).toContain('Léo Visiteur');
      expect(ofLeo.body).not.toContain('Nadia Membre');
    }
    expect((await page(privateGroup, { cookie: nadia.cookie })).body).toContain('Réunion interne jeudi');
    expect((await page(privateGroup, { cookie: leo.cookie })).body).not.toContain('Réunion interne jeudi');

    // A visitor right after the members gets the visitor's page.
    const visitor = await page(publicGroup);
    expect(visitor.cache).toBe('hit');
    expect(visitor.body).not.toContain('Nadia Membre');
    expect(visitor.body).not.toContain('Léo Visiteur');
  });

  it('a session cookie that is no longer valid bypasses the cache too', async () => {
    const stale = await page(publicGroup, { cookie: 'caucus_session=not-a-session' });
    expect(stale.status).toBe(200);
    expect(stale.cache).toBeNull();
    expect(stale.cacheControl).not.toContain('public');
  });

  it('never keeps a private group\'s page', async () => {
    const first = await page(privateGroup);
    const second = await page(privateGroup);
    expect(first.status).toBe(200);
    expect([first.cache, second.cache]).toEqual([null, null]);
    expect(second.cacheControl).toBe('private, no-cache');
    expect(second.body).not.toContain('Réunion interne jeudi');
  });

  it('shows a new post to the next visitor at once, not after the TTL', async () => {
    await page(publicGroup);
    expect((await page(publicGroup)).cache).toBe('hit');
    expect((await api('POST', `${publicGroup}/posts`, { cookie: owner.cookie, body: { body: 'Nouveau rendez-vous place de la République' } })).status).toBe(201);
    const next = await page(publicGroup);
    expect(next.cache).toBe('miss');
    expect(next.body).toContain('Nouveau rendez-vous place de la République');

    // Through the page's own form (a SvelteKit action that calls the API in process).
    expect((await page(publicGroup)).cache).toBe('hit');
    const form = await fetch(`${server.url}${publicGroup}?/post`, {
      method: 'POST',
      headers: { cookie: owner.cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ body: 'Porte-à-porte dimanche matin' }),
      redirect: 'manual',
    });
    expect(form.status).toBeLessThan(400);
    const afterForm = await page(publicGroup);
    expect(afterForm.cache).toBe('miss');
    expect(afterForm.body).toContain('Porte-à-porte dimanche matin');
  });

  it('caches the landing page for visitors, never the home of a member', async () => {
    await page('/');
    expect((await page('/')).cache).toBe('hit');
    const home = await page('/', { cookie: nadia.cookie });
    expect(home.cache).toBeNull();
    expect(home.cacheControl).toBe('private, no-cache');
  });

  it('keeps rendering pages after many visitors left while waiting their turn', async () => {
    // Pages render a few at a time (server/src/core/web.ts); a visitor who gives up in line must not
    // keep a place: each round leaves more than there are places.
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 40 }, () => leaveEarly(`${server.url}${publicGroup}`, nadia.cookie, 20 + round * 20)));
    }
    const after = await fetch(`${server.url}${publicGroup}`, { headers: { cookie: nadia.cookie }, signal: AbortSignal.timeout(10_000) });
    expect(after.status).toBe(200);
    expect(await after.text()).toContain('Tractage au marché Bastille');
  });
});

/** A signed-in GET whose visitor closes the connection after `ms`, whatever the server is doing. */
function leaveEarly(url: string, cookie: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false, headers: { cookie } }, (response) => response.resume());
    request.on('error', () => undefined);
    setTimeout(() => {
      request.destroy();
      resolve();
    }, ms);
  });
}
