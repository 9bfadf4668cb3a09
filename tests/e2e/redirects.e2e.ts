import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startCaucus, type Caucus } from './harness.ts';

// `redirectTo` with dot segments (/.//evil.example) normalized to //evil.example, which SvelteKit
// refused with a 500 after the action had run. Plain HTTP, as a form without JavaScript posts.
const EVIL = '/.//evil.example';
let caucus: Caucus;
let session = '';

beforeAll(async () => {
  caucus = await startCaucus({ prepare: [['create-admin', '--email', 'alice@example.org', '--handle', 'alice', '--name', 'Alice Martin', '--password', PASSWORD]] });
});
afterAll(() => caucus?.close());

async function send(path: string, init: { form?: Record<string, string>; cookie?: string } = {}) {
  const response = await fetch(`${caucus.url}${path}`, {
    method: init.form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      origin: caucus.url,
      accept: 'text/html',
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(init.cookie ? { cookie: init.cookie } : {}),
    },
    ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
  });
  return { status: response.status, location: response.headers.get('location'), cookies: response.headers.getSetCookie(), body: await response.text() };
}

describe('redirectTo with dot segments', () => {
  it('logging in applies and lands on the home page, never a 500', async () => {
    const login = await send(`/login?redirectTo=${encodeURIComponent(EVIL)}`, { form: { email: 'alice@example.org', password: PASSWORD } });
    expect(login.status, login.body.slice(0, 300)).toBe(303);
    expect(login.location).toBe('/');
    session = login.cookies.map((c) => c.split(';')[0]).join('; ');
    expect(session).toContain('caucus_session=');
  });

  it('/login and /signup, signed in, send home', async () => {
    for (const page of ['/login', '/signup']) {
      const answer = await send(`${page}?redirectTo=${encodeURIComponent(EVIL)}`, { cookie: session });
      expect(answer.status, page).toBe(303);
      expect(answer.location, page).toBe('/');
    }
  });

  it('/signup for a visitor renders, with no link off the site', async () => {
    const answer = await send(`/signup?redirectTo=${encodeURIComponent(EVIL)}`);
    expect(answer.status).toBe(200);
    // Its "log in" link carries the target on, cleaned; no link anywhere leads off the site.
    expect(answer.body).toContain('href="/login?redirectTo=%2F"');
    expect([...answer.body.matchAll(/(?:href|action)="([^"]*)"/g)].map((m) => m[1]).filter((link) => link!.includes('evil'))).toEqual([]);
  });

  it('POST /language sets the language and sends home', async () => {
    const answer = await send('/language', { form: { locale: 'en', redirectTo: EVIL }, cookie: session });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/');
    expect(answer.cookies.some((c) => c.startsWith('PARAGLIDE_LOCALE=en'))).toBe(true);
  });
});
