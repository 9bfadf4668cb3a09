import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createMember, createTestApp, lastMailTo, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const changeEmail = (token: string, newEmail: string, currentPassword = STRONG_PASSWORD) =>
  t.request({ method: 'POST', url: '/api/v1/auth/email', as: token, payload: { newEmail, currentPassword } });
const confirm = (token: string) => t.request({ method: 'POST', url: '/api/v1/auth/email/confirm', payload: { token } });
const me = async (token: string) => (await t.request({ url: '/api/v1/me', as: token })).json();
const tryLogin = (email: string) => t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: STRONG_PASSWORD }, remoteAddress: randomIp() });
const emailOf = async (id: string) => (await t.db.db.selectFrom('members').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email;

describe('change e-mail', () => {
  it('needs the current password', async () => {
    const member = await createMember(t);
    const before = await countRows(t, ['email_tokens', 'outbox']);
    const response = await changeEmail(member.token, 'new-address-1@example.org', 'Pas-Le-Bon-Mot-2026');
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.currentPassword.code).toBe('wrong_password');
    expect(await countRows(t, ['email_tokens', 'outbox'])).toEqual(before);
    expect((await me(member.token)).pendingEmail).toBeNull();
  });

  it('refuses my own address', async () => {
    const member = await createMember(t);
    const response = await changeEmail(member.token, member.email.toUpperCase());
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.newEmail.code).toBe('invalid_email');
  });

  it('mails a link to the new address and a notice to the old one, then switches the login address on confirmation', async () => {
    const member = await createMember(t);
    const response = await changeEmail(member.token, 'Nouvelle.Adresse@Example.org');
    expect(response.statusCode).toBe(202);

    const link = await lastMailTo(t, 'nouvelle.adresse@example.org');
    expect(link?.text).toContain(`${t.config.publicUrl.origin}/confirm-email?token=`);
    const notice = await lastMailTo(t, member.email);
    expect(notice?.subject).toMatch(/Changement d'adresse|Address change/);
    expect(notice?.text).not.toContain('token=');

    expect(await me(member.token)).toMatchObject({ email: member.email, pendingEmail: 'nouvelle.adresse@example.org' });
    expect(await emailOf(member.id)).toBe(member.email); // nothing changes before confirmation

    expect((await confirm(link!.token!)).statusCode).toBe(200);
    expect(await me(member.token)).toMatchObject({ email: 'nouvelle.adresse@example.org', emailVerified: true, pendingEmail: null });
    expect((await tryLogin(member.email)).statusCode).toBe(401);
    expect((await tryLogin('nouvelle.adresse@example.org')).statusCode).toBe(200);

    const again = await confirm(link!.token!);
    expect(again.statusCode).toBe(400);
    expect(again.json().fields.token.code).toBe('invalid_token');
  });

  it('answers a taken address like a free one and changes no account', async () => {
    const member = await createMember(t);
    const other = await createMember(t);
    const free = await createMember(t);

    const taken = await changeEmail(member.token, other.email);
    const control = await changeEmail(free.token, 'libre-adresse@example.org');
    expect(taken.statusCode).toBe(202);
    expect(taken.body).toBe(control.body);
    // What the member can see afterwards (their /me, their own mailbox) does not tell the two apart.
    expect((await me(member.token)).pendingEmail).toBe(other.email);
    expect((await me(free.token)).pendingEmail).toBe('libre-adresse@example.org');
    expect((await lastMailTo(t, member.email))?.subject).toBe((await lastMailTo(t, free.email))?.subject);

    // The owner of the taken address is told, with no link that could move it.
    const told = await lastMailTo(t, other.email);
    expect(told?.subject).toMatch(/déjà utilisée|already in use/);
    expect(told?.token).toBeNull();
    expect(await emailOf(member.id)).toBe(member.email);
    expect(await emailOf(other.id)).toBe(other.email);
  });

  it('refuses the confirmation if the address was taken in the meantime', async () => {
    const member = await createMember(t);
    expect((await changeEmail(member.token, 'course@example.org')).statusCode).toBe(202);
    const link = await lastMailTo(t, 'course@example.org');
    await createMember(t, { email: 'course@example.org' });
    const response = await confirm(link!.token!);
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.token.code).toBe('invalid_token');
    expect(await emailOf(member.id)).toBe(member.email);
  });
});
