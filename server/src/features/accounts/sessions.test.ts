import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import { hashToken } from '#core/tokens.ts';
import { createMember, createTestApp, login, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 24 * 60 * 60 * 1000;
const me = (token: string) => t.request({ url: '/api/v1/me', as: token });
const sessions = async (token: string) => (await t.request({ url: '/api/v1/auth/sessions', as: token })).json().sessions as Array<{ id: string; current: boolean; device: string }>;
type Cookie = { name: string; value: string; expires?: Date; httpOnly?: boolean; secure?: boolean };
const sessionCookie = (response: { cookies: Array<{ name: string; value: string }> }) => response.cookies.find((c) => c.name === SESSION_COOKIE) as Cookie | undefined;

describe('sessions', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie at login, not Secure over http', async () => {
    const member = await createMember(t);
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: member.email, password: STRONG_PASSWORD }, remoteAddress: randomIp() });
    expect(response.statusCode).toBe(200);
    const cookie = sessionCookie(response)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie.secure).toBeFalsy();
    expect(cookie.expires!.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
    // The database keeps the token's hash, never the token.
    const row = await t.db.db.selectFrom('sessions').select('id').where('member_id', '=', member.id).where('id', '=', cookie.value).executeTakeFirst();
    expect(row).toBeUndefined();
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const https = await createTestApp({ PUBLIC_URL: 'https://caucus.example' });
    try {
      const member = await createMember(https);
      const response = await https.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email: member.email, password: STRONG_PASSWORD }, remoteAddress: randomIp() });
      expect(response.statusCode).toBe(200);
      expect(sessionCookie(response)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
      const logout = await https.request({ method: 'POST', url: '/api/v1/auth/logout', as: member.token });
      expect(sessionCookie(logout)).toMatchObject({ value: '', secure: true, maxAge: 0 });
    } finally {
      await https.close();
    }
  });

  it('lists my sessions with the current one marked, and none of anyone else', async () => {
    const member = await createMember(t);
    await createMember(t); // another member's session must not show
    const other = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: member.email, password: STRONG_PASSWORD }, headers: { origin: t.config.publicUrl.origin, 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' }, remoteAddress: randomIp() });
    const list = await sessions(member.token);
    expect(list).toHaveLength(2);
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(list.map((s) => s.device)).toContain('Firefox · Linux');
    expect((await sessions(sessionCookie(other)!.value)).find((s) => s.current)?.device).toBe('Firefox · Linux');
    // The public id is not the token or its hash.
    for (const s of list) {
      expect([member.token, hashToken(member.token)]).not.toContain(s.id);
    }
  });

  it('revokes one of my sessions by its public id: that token stops working, mine goes on', async () => {
    const member = await createMember(t);
    const second = await login(t, member.email);
    const target = (await sessions(member.token)).find((s) => !s.current)!;
    const response = await t.request({ method: 'DELETE', url: `/api/v1/auth/sessions/${target.id}`, as: member.token });
    expect(response.statusCode).toBe(200);
    expect(sessionCookie(response)).toBeUndefined(); // not my own cookie
    expect((await me(second)).statusCode).toBe(401);
    expect((await me(member.token)).statusCode).toBe(200);
    expect(await sessions(member.token)).toHaveLength(1);
  });

  it("answers 404 for another member's session id and leaves it alone", async () => {
    const alice = await createMember(t);
    const bob = await createMember(t);
    const bobSession = (await sessions(bob.token))[0]!;
    const response = await t.request({ method: 'DELETE', url: `/api/v1/auth/sessions/${bobSession.id}`, as: alice.token });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found' });
    expect((await me(bob.token)).statusCode).toBe(200);
    // Same answer as a session id that does not exist.
    const unknown = await t.request({ method: 'DELETE', url: '/api/v1/auth/sessions/abcdefghijklmnop', as: alice.token });
    expect(unknown.json()).toEqual(response.json());
  });

  it('revoking my current session clears my cookie', async () => {
    const member = await createMember(t);
    const current = (await sessions(member.token)).find((s) => s.current)!;
    const response = await t.request({ method: 'DELETE', url: `/api/v1/auth/sessions/${current.id}`, as: member.token });
    expect(response.statusCode).toBe(200);
    expect(sessionCookie(response)).toMatchObject({ value: '', maxAge: 0 });
    expect((await me(member.token)).statusCode).toBe(401);
  });

  it('logs out: the session ends and the cookie is cleared', async () => {
    const member = await createMember(t);
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: member.token });
    expect(response.statusCode).toBe(200);
    expect(sessionCookie(response)).toMatchObject({ value: '', maxAge: 0 });
    expect((await me(member.token)).statusCode).toBe(401);
    expect(await t.db.db.selectFrom('sessions').select('id').where('member_id', '=', member.id).execute()).toEqual([]);
  });

  it('logs out everywhere else and keeps only the current session', async () => {
    const member = await createMember(t);
    const others = [await login(t, member.email), await login(t, member.email)];
    const bystander = await createMember(t);
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/logout-others', as: member.token });
    expect(response.json()).toEqual({ ok: true, revoked: 2 });
    for (const token of others) expect((await me(token)).statusCode).toBe(401);
    expect((await me(member.token)).statusCode).toBe(200);
    expect((await me(bystander.token)).statusCode).toBe(200);
    expect(await sessions(member.token)).toEqual([expect.objectContaining({ current: true })]);
  });

  it('refuses an expired session, clears the cookie and forgets the session', async () => {
    const member = await createMember(t);
    await t.db.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('member_id', '=', member.id).execute();
    const response = await me(member.token);
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toBe('unauthenticated');
    expect(sessionCookie(response)).toMatchObject({ value: '', maxAge: 0 });
    expect(await t.db.db.selectFrom('sessions').select('id').where('member_id', '=', member.id).execute()).toEqual([]);
  });

  it('renews a session with less than 15 days left and sends the cookie again', async () => {
    const member = await createMember(t);
    const fresh = await me(member.token);
    expect(sessionCookie(fresh)).toBeUndefined(); // a new session is not re-sent on every request

    await t.db.db.updateTable('sessions').set({ expires_at: new Date(Date.now() + 10 * DAY) }).where('member_id', '=', member.id).execute();
    t.app.sessionCache.forgetMember(member.id); // written past the services, which would have said so
    const response = await me(member.token);
    expect(response.statusCode).toBe(200);
    const cookie = sessionCookie(response)!;
    expect(cookie).toMatchObject({ value: member.token, httpOnly: true });
    expect(cookie.expires!.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);
    const row = await t.db.db.selectFrom('sessions').select('expires_at').where('member_id', '=', member.id).executeTakeFirstOrThrow();
    expect(row.expires_at.getTime()).toBeGreaterThan(Date.now() + 29 * DAY);

    await t.db.db.updateTable('sessions').set({ expires_at: new Date(Date.now() + 16 * DAY) }).where('member_id', '=', member.id).execute();
    t.app.sessionCache.forgetMember(member.id);
    expect(sessionCookie(await me(member.token))).toBeUndefined();
  });

  it('ignores a made-up token and clears it', async () => {
    const response = await me('abcdefghijklmnopqrstuvwxyz234567');
    expect(response.statusCode).toBe(401);
    expect(sessionCookie(response)).toMatchObject({ value: '', maxAge: 0 });
  });
});
