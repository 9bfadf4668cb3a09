import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createMember, createTestApp, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';
import { accountMailsSent } from './test-helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const WRONG = 'Pas-Le-Bon-Mot-2026';
const tryLogin = (email: string, password: string, ip = randomIp()) => t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: ip });
const requestReset = (email: string, ip = randomIp()) => t.request({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email }, remoteAddress: ip });
const signup = (n: number, ip: string, headers: Record<string, string> = {}) =>
  t.request({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: ip, headers, payload: { email: `flood${n}@example.org`, password: STRONG_PASSWORD, displayName: 'Flood', acceptPrivacyPolicy: false } });

function expectRateLimited(response: Awaited<ReturnType<typeof tryLogin>>) {
  expect(response.statusCode).toBe(429);
  expect(response.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/Try again in \d+ minutes?/) });
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
}

describe('login', () => {
  it('answers an unknown e-mail and a wrong password identically', async () => {
    const member = await createMember(t);
    const unknown = await tryLogin('personne@example.org', WRONG);
    const wrong = await tryLogin(member.email, WRONG);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toBe(unknown.body);
    expect(wrong.json()).toMatchObject({ error: 'invalid_credentials' });
    expect(wrong.cookies).toEqual([]);
  });

  it('accepts the e-mail in any case', async () => {
    const member = await createMember(t);
    expect((await tryLogin(member.email.toUpperCase(), STRONG_PASSWORD)).statusCode).toBe(200);
  });

  it('stops the 11th failed attempt on one account, from any address, even with the right password', async () => {
    const member = await createMember(t);
    const bystander = await createMember(t);
    for (let i = 0; i < 10; i++) expect((await tryLogin(member.email, WRONG)).statusCode).toBe(401);
    expectRateLimited(await tryLogin(member.email, WRONG));
    expectRateLimited(await tryLogin(member.email, STRONG_PASSWORD));
    expect((await tryLogin(bystander.email, STRONG_PASSWORD)).statusCode).toBe(200);
  });

  it('forgets the failed attempts of an account after a successful login', async () => {
    const member = await createMember(t);
    for (let i = 0; i < 9; i++) await tryLogin(member.email, WRONG);
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) expect((await tryLogin(member.email, WRONG)).statusCode).toBe(401);
  });

  it('stops one address after 100 attempts, whatever the accounts', async () => {
    const ip = randomIp();
    // The first ten cost a password check; the rest are refused by the per-account rule, and all count for the address.
    for (let i = 0; i < 100; i++) expect([401, 429]).toContain((await tryLogin('one-target@example.org', WRONG, ip)).statusCode);
    const member = await createMember(t);
    expectRateLimited(await tryLogin(member.email, STRONG_PASSWORD, ip));
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(200);
  });
});

describe('other rate limits', () => {
  it('stops sign-ups from one address after 50 attempts, whatever forwarding headers claim', async () => {
    const ip = randomIp();
    const before = await countRows(t);
    // No proxy is trusted by default: a client cannot pick its own address.
    const spoof = (n: number) => ({ 'x-forwarded-for': `192.0.2.${n}`, 'x-caucus-client-ip': `198.51.100.${n}`, 'x-caucus-internal': 'guess' });
    for (let n = 0; n < 50; n++) expect((await signup(n, ip, spoof(n))).json().error).toBe('consent_required');
    expectRateLimited(await signup(50, ip, spoof(50)));
    expect((await signup(51, randomIp())).json().error).toBe('consent_required');
    expect(await countRows(t)).toEqual(before);
  });

  it('sends at most 5 sign-up mails an hour to one address, registered or not, from any client address', async () => {
    const member = await createMember(t);
    for (const email of [member.email, 'nouvelle@example.org']) {
      const attempt = () =>
        t.request({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: randomIp(), payload: { email, password: STRONG_PASSWORD, displayName: 'Répétée', acceptPrivacyPolicy: true } });
      for (let n = 0; n < 5; n++) expect((await attempt()).statusCode).toBe(202);
      expectRateLimited(await attempt());
    }
  });

  it('sends at most 5 reset links an hour for one address, known or not, from any client address', async () => {
    const member = await createMember(t);
    for (const email of [member.email, 'inconnu@example.org']) {
      for (let i = 0; i < 5; i++) expect((await requestReset(email)).statusCode).toBe(202);
      expectRateLimited(await requestReset(email));
    }
    await accountMailsSent(t);
    expect(await t.db.db.selectFrom('email_tokens').select('id').where('member_id', '=', member.id).execute()).toHaveLength(1);
  });

  it('sends at most 30 mails an hour from one client address', async () => {
    const ip = randomIp();
    for (let i = 0; i < 30; i++) expect((await requestReset(`someone${i}@example.org`, ip)).statusCode).toBe(202);
    expectRateLimited(await requestReset('someone-else@example.org', ip));
  });
});
