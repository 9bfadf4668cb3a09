import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startCaucus, type Caucus } from './harness.ts';

// The login page is rendered by SvelteKit, which calls the API in process: the device cookie the
// API sets must reach the browser, and come back with the next login (issue 9, item 7). Plain
// HTTP, as a form without JavaScript posts.
const EMAIL = 'camille@example.org';
let caucus: Caucus;

beforeAll(async () => {
  caucus = await startCaucus({ prepare: [['create-admin', '--email', EMAIL, '--handle', 'camille', '--name', 'Camille Martin', '--password', PASSWORD]] });
});
afterAll(() => caucus?.close());

async function logInThroughPage(password: string, cookie?: string) {
  const response = await fetch(`${caucus.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: caucus.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams({ email: EMAIL, password }).toString(),
  });
  await response.arrayBuffer();
  const cookies = response.headers.getSetCookie();
  return { status: response.status, cookies, named: (name: string) => cookies.find((c) => c.startsWith(`${name}=`)) };
}

describe('the login page and the device cookie', () => {
  it('sets the device cookie on the browser; a stranger locked out after wrong passwords does not lock that browser out', async () => {
    const first = await logInThroughPage(PASSWORD);
    expect(first.status).toBe(303);
    const device = first.named('caucus_device');
    expect(device).toMatch(/^caucus_device=[a-z2-7]{32}; Max-Age=31536000; Path=\/; .*HttpOnly; SameSite=Lax/);

    // A stranger (no device cookie) guessing from one address is stopped there.
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await logInThroughPage('Pas-Le-Bon-Mot-2026')).status);
    expect(statuses.slice(-2).every((status) => status === 429)).toBe(true);
    const stranger = await logInThroughPage(PASSWORD);
    expect(stranger.named('caucus_session')).toBeUndefined();

    // The member's browser sends its device cookie back with the form, and gets in.
    const again = await logInThroughPage(PASSWORD, device!.split(';')[0]);
    expect(again.status).toBe(303);
    expect(again.named('caucus_session')).toMatch(/^caucus_session=[^;]+/);
    expect(again.named('caucus_device')).not.toBe(device);
  });
});
