import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, lastMailTo, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';
import { accountMailsSent } from './test-helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createMember(t, { role: 'owner' }); // closes the first-run setup
});
afterAll(() => t.close());

const signup = (body: Record<string, unknown>, ip = randomIp()) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: body, headers: { origin: 'http://localhost:3000' }, remoteAddress: ip });

describe('sign-up, verification and login', () => {
  it('signs up, mails a verification link, verifies once, then logs in', async () => {
    const body = { email: 'Nora@Example.org', password: STRONG_PASSWORD, displayName: 'Nora Petit', acceptPrivacyPolicy: true };
    expect((await signup(body)).statusCode).toBe(202);

    const login = () => t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'nora@example.org', password: STRONG_PASSWORD }, remoteAddress: randomIp() });
    const before = await login();
    expect(before.statusCode).toBe(403);
    expect(before.json().error).toBe('email_not_verified');

    const mail = await lastMailTo(t, 'nora@example.org');
    expect(mail?.token).toBeTruthy();
    const verify = () => t.request({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: mail!.token } });
    expect((await verify()).statusCode).toBe(200);
    const again = await verify();
    expect(again.statusCode).toBe(400);
    expect(again.json().fields.token.code).toBe('invalid_token');

    const after = await login();
    expect(after.statusCode).toBe(200);
    // The handle is chosen once signed in; until then a provisional one stands in.
    expect(after.json()).toMatchObject({ handle: expect.stringMatching(/^membre_/), handleChosen: false, emailVerified: true, role: 'member' });
    const cookie = after.cookies.find((c) => c.name === 'caucus_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const consent = await t.db.db.selectFrom('consents').innerJoin('members', 'members.id', 'consents.member_id').select(['purpose', 'version', 'granted_at']).where('members.email', '=', 'nora@example.org').executeTakeFirstOrThrow();
    expect(consent.purpose).toBe('privacy_policy');
    expect(consent.version).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(consent.granted_at).toBeInstanceOf(Date);
  });

  it('answers a sign-up with a registered e-mail exactly like a new one, and creates nothing', async () => {
    const existing = await createMember(t);
    const count = async () => Number((await t.db.db.selectFrom('members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const response = await signup({ email: existing.email, password: STRONG_PASSWORD, displayName: 'Someone', acceptPrivacyPolicy: true });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ ok: true });
    expect(await count()).toBe(before);
    expect((await lastMailTo(t, existing.email))?.subject).toMatch(/inscription|Sign-up/);
  });

  it('answers a new verification link alike for unknown, verified and unverified addresses, and mails only the last', async () => {
    const verified = await createMember(t);
    const unverified = await createMember(t, { verified: false });
    const resend = (email: string) => t.request({ method: 'POST', url: '/api/v1/auth/resend-verification', payload: { email }, remoteAddress: randomIp() });
    const answers = [await resend('nobody@example.org'), await resend(verified.email), await resend(unverified.email)];
    for (const answer of answers) expect([answer.statusCode, answer.body]).toEqual([202, answers[0]!.body]);
    await accountMailsSent(t);
    expect(await lastMailTo(t, 'nobody@example.org')).toBeUndefined();
    expect(await lastMailTo(t, verified.email)).toBeUndefined();
    const mail = await lastMailTo(t, unverified.email);
    expect(mail?.token).toBeTruthy();
    expect((await t.request({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: mail!.token } })).statusCode).toBe(200);
  });
});
