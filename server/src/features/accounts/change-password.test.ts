import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, login, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const NEW_PASSWORD = 'Coquelicot-Bleu-1789?';
const changePassword = (token: string, currentPassword: string, newPassword: string) =>
  t.request({ method: 'POST', url: '/api/v1/auth/password', as: token, payload: { currentPassword, newPassword } });
const tryLogin = (email: string, password: string) => t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress: randomIp() });
const me = (token: string) => t.request({ url: '/api/v1/me', as: token });
const passwordHash = async (id: string) => (await t.db.db.selectFrom('members').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash;

describe('change password', () => {
  it('needs a session', async () => {
    const response = await changePassword('', STRONG_PASSWORD, NEW_PASSWORD);
    expect(response.statusCode).toBe(401);
  });

  it('refuses a wrong current password on its field and changes nothing', async () => {
    const member = await createMember(t);
    const other = await login(t, member.email);
    const hash = await passwordHash(member.id);
    const response = await changePassword(member.token, 'Pas-Le-Bon-Mot-2026', NEW_PASSWORD);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'wrong_password', fields: { currentPassword: { code: 'wrong_password' } } });
    expect(await passwordHash(member.id)).toBe(hash);
    expect((await me(other)).statusCode).toBe(200);
  });

  it.each([
    ['motdepasse', 'common_password'],
    ['password1234', 'weak_password'],
    ['court', 'too_short'],
  ])('refuses the new password %s as %s on the newPassword field', async (newPassword, code) => {
    const member = await createMember(t);
    const hash = await passwordHash(member.id);
    const response = await changePassword(member.token, STRONG_PASSWORD, newPassword);
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.newPassword.code).toBe(code);
    expect(await passwordHash(member.id)).toBe(hash);
  });

  it('changes it, ends my other sessions, keeps this one; only the new password logs in', async () => {
    const member = await createMember(t);
    const others = [await login(t, member.email), await login(t, member.email)];
    const response = await changePassword(member.token, STRONG_PASSWORD, NEW_PASSWORD);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true });
    expect((await me(member.token)).statusCode).toBe(200);
    for (const token of others) expect((await me(token)).statusCode).toBe(401);
    expect((await tryLogin(member.email, STRONG_PASSWORD)).statusCode).toBe(401);
    expect((await tryLogin(member.email, NEW_PASSWORD)).statusCode).toBe(200);
  });
});
