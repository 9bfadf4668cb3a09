import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../testing/test-app.ts';
import { INTERNAL_HEADER } from './auth.ts';
import { pageScope } from './page-scope.ts';
import { hashToken } from './tokens.ts';

describe('one session lookup per server-rendered page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const internalGet = (token: string) => t.request({ method: 'GET', url: '/api/v1/page-context', as: token, headers: { [INTERNAL_HEADER]: t.app.internalSecret } });
  const viewerOf = (body: string) => (JSON.parse(body) as { viewer: { id: string } | null }).viewer;

  it('reuses the session the page already looked up for its next in-process reads', async () => {
    const member = await createMember(t);
    await pageScope.run({ sessions: new Map() }, async () => {
      expect(viewerOf((await internalGet(member.token)).body)?.id).toBe(member.id);
      // Gone from the database: a second lookup would find nothing, the page's own lookup still stands.
      await t.db.db.deleteFrom('sessions').where('id', '=', hashToken(member.token)).execute();
      t.app.sessionCache.forgetSession(hashToken(member.token)); // the services tell the cache; this test deletes past them
      expect(viewerOf((await internalGet(member.token)).body)?.id).toBe(member.id);
    });
    // A new page looks again.
    await pageScope.run({ sessions: new Map() }, async () => {
      expect(viewerOf((await internalGet(member.token)).body)).toBeNull();
    });
  });

  it('forgets it after a write in the same page (a logout is seen at once)', async () => {
    const member = await createMember(t);
    await pageScope.run({ sessions: new Map() }, async () => {
      expect(viewerOf((await internalGet(member.token)).body)?.id).toBe(member.id);
      const logout = await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: member.token, headers: { [INTERNAL_HEADER]: t.app.internalSecret } });
      expect(logout.statusCode).toBeLessThan(300);
      expect(viewerOf((await internalGet(member.token)).body)).toBeNull();
    });
  });

  it('never applies to requests from outside the process', async () => {
    const member = await createMember(t);
    await pageScope.run({ sessions: new Map() }, async () => {
      await internalGet(member.token);
      await t.db.db.deleteFrom('sessions').where('id', '=', hashToken(member.token)).execute();
      t.app.sessionCache.forgetSession(hashToken(member.token)); // the services tell the cache; this test deletes past them
      const external = await t.request({ method: 'GET', url: '/api/v1/page-context', as: member.token });
      expect(viewerOf(external.body)).toBeNull();
    });
  });
});
