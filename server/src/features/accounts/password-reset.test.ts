import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '#core/tokens.ts';
import { countRows, createMember, createTestApp, lastMailTo, login, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';
import { accountMailsSent } from './test-helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const NEW_PASSWORD = 'Coquelicot-Bleu-1789?';
const requestReset = (email: string, ip = randomIp()) => t.request({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email }, remoteAddress: ip });
const confirmReset = (token: string, password = NEW_PASSWORD) => t.request({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password } });
const tryLogin = (email: string, password: string) => t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: randomIp() });
const me = (token: string) => t.request({ url: '/api/v1/me', as: token });

async function resetLink(email: string): Promise<string> {
  expect((await requestReset(email)).statusCode).toBe(202);
  await accountMailsSent(t);
  const mail = await lastMailTo(t, email);
  expect(mail?.text).toContain(`${t.config.publicUrl.origin}/reset-password?token=`);
  return mail!.token!;
}

describe('password reset', () => {
  it('answers 202 alike for an unknown and a known address, and mails only the known one', async () => {
    const member = await createMember(t);
    const before = await countRows(t, ['outbox', 'email_tokens']);
    const unknown = await requestReset('nobody-here@example.org');
    const known = await requestReset(member.email.toUpperCase());
    expect([unknown.statusCode, known.statusCode]).toEqual([202, 202]);
    expect(unknown.body).toBe(known.body);
    await accountMailsSent(t);
    expect(await lastMailTo(t, 'nobody-here@example.org')).toBeUndefined();
    expect(await countRows(t, ['outbox', 'email_tokens'])).toEqual({ outbox: before.outbox + 1, email_tokens: before.email_tokens + 1 });
    expect((await lastMailTo(t, member.email))?.subject).toMatch(/mot de passe|password/i);
  });

  it('stores only the hash of the link token', async () => {
    const member = await createMember(t);
    const token = await resetLink(member.email);
    const rows = await t.db.db.selectFrom('email_tokens').select('id').where('member_id', '=', member.id).execute();
    expect(rows.map((r) => r.id)).toEqual([hashToken(token)]);
  });

  it('sets the new password with a link that works once, and ends every session', async () => {
    const member = await createMember(t);
    const otherSession = await login(t, member.email);
    const token = await resetLink(member.email);

    const response = await confirmReset(token);
    expect(response.statusCode).toBe(200);
    expect(response.cookies.find((c) => c.name === 'caucus_session')).toMatchObject({ value: '', maxAge: 0 });
    expect((await me(member.token)).statusCode).toBe(401);
    expect((await me(otherSession)).statusCode).toBe(401);
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(401);
    expect((await tryLogin(member.email, NEW_PASSWORD)).statusCode).toBe(200);

    const again = await confirmReset(token, 'Encore-Un-Autre-2031!');
    expect(again.statusCode).toBe(400);
    expect(again.json().fields.token.code).toBe('invalid_token');
    expect((await tryLogin(member.email, NEW_PASSWORD)).statusCode).toBe(200);
  });

  it('refuses an expired link', async () => {
    const member = await createMember(t);
    const token = await resetLink(member.email);
    await t.db.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', hashToken(token)).execute();
    const response = await confirmReset(token);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_token', fields: { token: { code: 'invalid_token' } } });
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(200);
  });

  it('makes an earlier link useless when a new one is sent', async () => {
    const member = await createMember(t);
    const first = await resetLink(member.email);
    const second = await resetLink(member.email);
    expect((await confirmReset(first)).json().error).toBe('invalid_token');
    expect((await confirmReset(second)).statusCode).toBe(200);
  });

  it('refuses a reset token for another purpose', async () => {
    const signup = await t.request({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: randomIp(), payload: { email: 'reset-purpose@example.org', password: STRONG_PASSWORD, displayName: 'Purpose', acceptPrivacyPolicy: true } });
    expect(signup.statusCode).toBe(202);
    const verifyToken = (await lastMailTo(t, 'reset-purpose@example.org'))!.token!;
    expect((await confirmReset(verifyToken)).json().error).toBe('invalid_token');
  });

  it.each([
    ['motdepasse', 'common_password'],
    ['password1234', 'weak_password'],
    ['court', 'too_short'],
  ])('refuses the new password %s (%s) and changes nothing: the link still works', async (password, code) => {
    const member = await createMember(t);
    const token = await resetLink(member.email);
    const response = await confirmReset(token, password);
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.password.code).toBe(code);
    expect(response.json().message).toBeTruthy();
    expect((await me(member.token)).statusCode).toBe(200);
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(200);
    expect((await confirmReset(token)).statusCode).toBe(200);
  });

  it('verifies the address of an account that never confirmed it', async () => {
    const member = await createMember(t, { verified: false });
    expect((await tryLogin(member.email, STRONG_PASSWORD)).json().error).toBe('email_not_verified');
    expect((await confirmReset(await resetLink(member.email))).statusCode).toBe(200);
    const response = await tryLogin(member.email, NEW_PASSWORD);
    expect(response.statusCode).toBe(200);
    expect(response.json().emailVerified).toBe(true);
  });
});
