import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('GET /api/v1/page-context', () => {
  it('gives a visitor the network and no viewer', async () => {
    const response = await t.request({ method: 'GET', url: '/api/v1/page-context' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ network: { setupRequired: true }, viewer: null });
  });

  it('gives a member the network and who they are, without their e-mail', async () => {
    const member = await createMember(t, { displayName: 'Rémi Laurent', role: 'moderator' });
    const body = (await t.request({ method: 'GET', url: '/api/v1/page-context', as: member.token })).json();
    expect(body.network.setupRequired).toBe(false);
    expect(body.viewer).toEqual({ id: member.id, handle: member.handle, displayName: 'Rémi Laurent', role: 'moderator', emailVerified: true, handleChosen: true, unreadNotifications: 0 });
    expect(JSON.stringify(body)).not.toContain(member.email);
  });

  it('treats an unknown session token as a visitor', async () => {
    const body = (await t.request({ method: 'GET', url: '/api/v1/page-context', as: 'abcdefghijklmnopqrstuvwxyz234567' })).json();
    expect(body.viewer).toBeNull();
  });
});
