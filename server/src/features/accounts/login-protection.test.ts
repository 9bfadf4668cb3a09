import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '#core/tokens.ts';
import { createMember, createTestApp, lastMailTo, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';
import { DEVICE_COOKIE } from './device-cookies.ts';
import { accountMailsSent } from './test-helpers.ts';

// Issue 9, item 7: anyone could lock any account, its owner's included, with 11 wrong passwords.
// Now a browser that logged in before (device cookie) is counted apart (OWASP device cookies).

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const WRONG = 'Pas-Le-Bon-Mot-2026';
const YEAR_SECONDS = 365 * 24 * 60 * 60;

function tryLogin(email: string, password: string, options: { device?: string; ip?: string } = {}) {
  return t.request({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: options.ip ?? randomIp(),
    headers: options.device ? { cookie: `${DEVICE_COOKIE}=${options.device}` } : {},
  });
}

const deviceCookie = (response: LightMyRequestResponse) => response.cookies.find((c) => c.name === DEVICE_COOKIE);

/** A member and the device cookie of the browser they logged in with. */
async function memberWithDevice(overrides: Parameters<typeof createMember>[1] = {}) {
  const member = await createMember(t, overrides);
  const response = await tryLogin(member.email, STRONG_PASSWORD);
  expect(response.statusCode).toBe(200);
  return { ...member, device: deviceCookie(response)!.value };
}

/** `count` wrong passwords, each from a new address, `parallel` at a time; the statuses seen. */
async function guess(email: string, count: number, options: { device?: string; parallel?: number } = {}) {
  const statuses: number[] = [];
  const parallel = options.parallel ?? 1;
  for (let done = 0; done < count; done += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - done) }, () => tryLogin(email, WRONG, { ...(options.device && { device: options.device }) }));
    for (const response of await Promise.all(batch)) statuses.push(response.statusCode);
  }
  return { unauthorized: statuses.filter((s) => s === 401).length, limited: statuses.filter((s) => s === 429).length, other: statuses.filter((s) => s !== 401 && s !== 429) };
}

describe('login protection: a stranger guessing passwords locks out strangers, not the member', () => {
  it("an attacker's 1,000 failed attempts from many addresses do not stop the owner's login from their device", async () => {
    const owner = await memberWithDevice();
    const started = Date.now();
    // Ten wrong passwords are checked; then the account refuses untrusted clients cheaply.
    expect(await guess(owner.email, 1000, { parallel: 20 })).toEqual({ unauthorized: 10, limited: 990, other: [] });
    expect(Date.now() - started).toBeLessThan(20_000);

    expect((await tryLogin(owner.email, STRONG_PASSWORD)).statusCode).toBe(429); // a new device waits
    const fromDevice = await tryLogin(owner.email, STRONG_PASSWORD, { device: owner.device });
    expect(fromDevice.statusCode).toBe(200);
    expect(fromDevice.json().email).toBe(owner.email);
  });

  it('locks out untrusted clients after 10 attempts on an account, even with the right password', async () => {
    const member = await memberWithDevice();
    expect(await guess(member.email, 10)).toEqual({ unauthorized: 10, limited: 0, other: [] });
    const refused = await tryLogin(member.email, STRONG_PASSWORD);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/Try again in \d+ minutes?/) });
  });

  it('lets the member in from a new device once they reset their password from the mailbox', async () => {
    const member = await memberWithDevice();
    await guess(member.email, 12, { parallel: 4 });
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(429);
    const asked = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email: member.email }, remoteAddress: randomIp() });
    expect(asked.statusCode).toBe(202);
    await accountMailsSent(t);
    const mails = await t.db.db.selectFrom('outbox').select('text_body').where('to_address', '=', member.email).execute();
    const token = mails.map((mail) => /reset-password\?token=([a-z0-9]+)/.exec(mail.text_body)?.[1]).find(Boolean)!;
    const newPassword = 'Nouveau-Mot-De-Passe-2027';
    const confirmed = await t.request({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password: newPassword } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((await tryLogin(member.email, newPassword)).statusCode).toBe(200);
  });

  it('stops one address after 5 attempts on an account, before it can lock the account for everyone else', async () => {
    const member = await createMember(t);
    const ip = randomIp();
    for (let i = 0; i < 5; i++) expect((await tryLogin(member.email, WRONG, { ip })).statusCode).toBe(401);
    expect((await tryLogin(member.email, STRONG_PASSWORD, { ip })).statusCode).toBe(429);
    // The account itself is not locked: another address, or the same one for another account, still may.
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(200);
    const other = await createMember(t);
    expect((await tryLogin(other.email, STRONG_PASSWORD, { ip })).statusCode).toBe(200);
  });

  it('mails the member once, in their language, when logins from unknown devices are paused', async () => {
    const member = await createMember(t, { locale: 'en' });
    expect(await guess(member.email, 40, { parallel: 10 })).toEqual({ unauthorized: 10, limited: 30, other: [] });
    expect(await guess('no-account-here@example.org', 15)).toMatchObject({ unauthorized: 10, limited: 5 });
    await accountMailsSent(t);
    const mails = await t.db.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', member.email).execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^Login attempts on your account/);
    expect(mails[0]!.text_body).toContain('The devices you have logged in from before are not affected');
    expect(mails[0]!.text_body).toContain(`${t.config.publicUrl.origin}/forgot-password`);
    expect(await lastMailTo(t, 'no-account-here@example.org')).toBeUndefined();
  });

  it('writes the alert in French by default', async () => {
    const member = await createMember(t);
    await guess(member.email, 11);
    await accountMailsSent(t);
    expect((await lastMailTo(t, member.email))?.subject).toMatch(/^Tentatives de connexion sur votre compte/);
  });

  it("counts a forged, malformed, expired or another member's device cookie as untrusted", async () => {
    const other = await memberWithDevice();
    const expired = await memberWithDevice();
    await t.db.db.updateTable('trusted_devices').set({ created_at: new Date(Date.now() - 366 * 24 * 3600 * 1000) }).where('token_hash', '=', hashToken(expired.device)).execute();
    const cases = [
      { name: 'forged', device: generateToken() },
      { name: 'malformed', device: 'x'.repeat(500) },
      { name: "another member's", device: other.device },
    ];
    for (const { name, device } of cases) {
      const member = await createMember(t);
      expect(await guess(member.email, 10, { device }), name).toEqual({ unauthorized: 10, limited: 0, other: [] });
      expect((await tryLogin(member.email, STRONG_PASSWORD, { device })).statusCode, name).toBe(429);
    }
    expect(await guess(expired.email, 10, { device: expired.device })).toEqual({ unauthorized: 10, limited: 0, other: [] });
    expect((await tryLogin(expired.email, STRONG_PASSWORD, { device: expired.device })).statusCode).toBe(429);
  });

  it('locks a trusted device out after 10 wrong passwords from it, and no other device of the member', async () => {
    const member = await memberWithDevice();
    const otherDevice = deviceCookie(await tryLogin(member.email, STRONG_PASSWORD))!.value;
    expect(await guess(member.email, 10, { device: member.device })).toEqual({ unauthorized: 10, limited: 0, other: [] });
    expect((await tryLogin(member.email, STRONG_PASSWORD, { device: member.device })).statusCode).toBe(429);
    expect((await tryLogin(member.email, STRONG_PASSWORD, { device: otherDevice })).statusCode).toBe(200);
    // Its failures were counted for that device alone: untrusted clients may still try.
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(200);
  });

  it('sets the device cookie HttpOnly, SameSite=Lax, for a year, renews it at each login and stores only its hash', async () => {
    const member = await memberWithDevice();
    const again = await tryLogin(member.email, STRONG_PASSWORD, { device: member.device });
    const cookie = deviceCookie(again)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: YEAR_SECONDS });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.value).not.toBe(member.device);
    const rows = await t.db.db.selectFrom('trusted_devices').select('token_hash').where('member_id', '=', member.id).execute();
    expect(rows.map((r) => r.token_hash)).toContain(hashToken(cookie.value));
    expect(rows.map((r) => r.token_hash)).not.toContain(hashToken(member.device)); // the renewed token replaces it
    expect(rows.map((r) => r.token_hash)).not.toContain(cookie.value);
    expect(deviceCookie(await tryLogin(member.email, WRONG, { device: cookie.value }))).toBeUndefined();
  });

  it('marks the device cookie Secure when the public URL is https', async () => {
    const https = await createTestApp({ PUBLIC_URL: 'https://caucus.example' });
    try {
      const member = await createMember(https);
      const response = await https.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: member.email, password: STRONG_PASSWORD }, remoteAddress: randomIp() });
      expect(deviceCookie(response)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    } finally {
      await https.close();
    }
  });

  it('answers a wrong e-mail and a wrong password alike, with or without a device cookie', async () => {
    const member = await memberWithDevice();
    const stranger = await memberWithDevice();
    for (const device of [undefined, stranger.device, generateToken()]) {
      const unknown = await tryLogin('personne@example.org', WRONG, { ...(device && { device }) });
      const wrong = await tryLogin(member.email, WRONG, { ...(device && { device }) });
      expect([unknown.statusCode, wrong.statusCode]).toEqual([401, 401]);
      expect(wrong.body).toBe(unknown.body);
      expect(wrong.cookies).toEqual([]);
    }
  });
});
