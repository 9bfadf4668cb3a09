import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, randomIp, STRONG_PASSWORD, type TestApp } from '../testing/test-app.ts';

let t: TestApp;
let member: Awaited<ReturnType<typeof createMember>>;
beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t);
});
afterAll(() => t.close());

const EVIL = 'https://evil.example';

describe('origin check (CSRF)', () => {
  it('refuses an unsafe request from a foreign origin, signed in or not, before doing anything', async () => {
    const logout = await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: member.token, headers: { origin: EVIL } });
    expect(logout.statusCode).toBe(403);
    expect(logout.json()).toMatchObject({ error: 'foreign_origin', message: expect.any(String) });
    expect((await t.request({ url: '/api/v1/me', as: member.token })).statusCode).toBe(200);

    const login = await t.request({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: EVIL }, payload: { email: member.email, password: STRONG_PASSWORD }, remoteAddress: randomIp() });
    expect(login.statusCode).toBe(403);
    expect(login.json().error).toBe('foreign_origin');
    expect(login.cookies).toEqual([]);
  });

  it.each(['PATCH', 'PUT', 'DELETE'] as const)('refuses a foreign %s too', async (method) => {
    const response = await t.request({ method, url: '/api/v1/me/profile', as: member.token, headers: { origin: EVIL }, payload: {} });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('foreign_origin');
  });

  it('refuses an origin that only looks like ours', async () => {
    for (const origin of ['http://localhost:3000.evil.example', 'https://localhost:3000', 'http://localhost:3001', 'null']) {
      const response = await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: member.token, headers: { origin }, payload: { bio: 'x' } });
      expect(response.statusCode, origin).toBe(403);
    }
  });

  it('is not bypassed by claiming to be the in-process web app', async () => {
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: member.token, headers: { origin: EVIL, 'x-caucus-internal': 'guess' } });
    expect(response.statusCode).toBe(403);
    const noOrigin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: `caucus_session=${member.token}`, 'x-caucus-internal': '' } });
    expect(noOrigin.statusCode).toBe(403);
    expect((await t.request({ url: '/api/v1/me', as: member.token })).statusCode).toBe(200);
  });

  it('refuses a cookie-carrying unsafe request with no Origin', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout-others', headers: { cookie: `caucus_session=${member.token}` } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('foreign_origin');
  });

  it('lets a client with no cookie and no Origin in (scripts, curl)', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: member.email, password: STRONG_PASSWORD }, remoteAddress: randomIp() });
    expect(response.statusCode).toBe(200);
  });

  it('lets a GET from a foreign origin through', async () => {
    const response = await t.request({ url: '/api/v1/me', as: member.token, headers: { origin: EVIL } });
    expect(response.statusCode).toBe(200);
    expect((await t.request({ url: '/api/v1/network', headers: { origin: EVIL } })).statusCode).toBe(200);
  });

  it('accepts our own origin', async () => {
    const response = await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: member.token, payload: { bio: 'Bonjour' } });
    expect(response.statusCode).toBe(200);
  });
});
