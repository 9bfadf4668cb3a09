import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '@caucus/shared/constants.ts';
import { hashToken } from '#core/tokens.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

type Member = Awaited<ReturnType<typeof createMember>>;

async function createToken(member: Member, name = 'Mon bot'): Promise<{ token: string; id: string }> {
  const response = await t.request({ method: 'POST', url: '/api/v1/me/access-tokens', as: member.token, payload: { name } });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json();
  return { token: body.token, id: body.accessToken.id };
}

/** A bot's request: the bearer header, no cookie, no Origin. */
const asBot = (token: string, options: { method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; payload?: object; headers?: Record<string, string> }) =>
  t.app.inject({ method: options.method ?? 'GET', url: options.url, ...(options.payload ? { payload: options.payload } : {}), headers: { authorization: `Bearer ${token}`, ...options.headers } });

describe('personal access tokens', () => {
  it('creates a token whose secret is shown once, and stores only its SHA-256', async () => {
    const member = await createMember(t);
    const response = await t.request({ method: 'POST', url: '/api/v1/me/access-tokens', as: member.token, payload: { name: '  Passerelle Matrix  ' } });
    expect(response.statusCode, response.body).toBe(201);
    const { token, accessToken } = response.json();
    expect(token).toMatch(/^caucus_pat_[a-z2-7]{52}$/);
    expect(accessToken).toMatchObject({ name: 'Passerelle Matrix', lastUsedAt: null });

    const row = await t.db.db.selectFrom('access_tokens').selectAll().where('id', '=', accessToken.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice('caucus_pat_'.length));

    const list = await t.request({ url: '/api/v1/me/access-tokens', as: member.token });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ tokens: [accessToken] });
    expect(list.body).not.toContain(token);
  });

  it('lists only my own tokens, newest first', async () => {
    const alice = await createMember(t);
    const bob = await createMember(t);
    const first = await createToken(alice, 'premier');
    const second = await createToken(alice, 'second');
    await createToken(bob, 'celui de Bob');
    const list = (await t.request({ url: '/api/v1/me/access-tokens', as: alice.token })).json().tokens as Array<{ id: string; name: string }>;
    expect(list.map((token) => token.id)).toEqual([second.id, first.id]);
  });

  it('refuses bad names with a 400 naming the field, and stores nothing', async () => {
    const member = await createMember(t);
    const cases: unknown[] = [{}, { name: '' }, { name: '   ' }, { name: 'x'.repeat(LIMITS.accessTokenNameMax + 1) }, { name: 42 }, { name: 'bot\u0007' }, { name: 'ok', scope: 'admin' }];
    for (const payload of cases) {
      const response = await t.request({ method: 'POST', url: '/api/v1/me/access-tokens', as: member.token, payload: payload as object });
      expect(response.statusCode, `${JSON.stringify(payload)} → ${response.body}`).toBe(400);
      expect(response.json().message).toBeTruthy();
    }
    expect((await t.request({ method: 'POST', url: '/api/v1/me/access-tokens', as: member.token, payload: { name: '' } })).json().fields.name).toBeDefined();
    expect((await t.request({ url: '/api/v1/me/access-tokens', as: member.token })).json().tokens).toEqual([]);
  });

  it(`allows at most ${LIMITS.accessTokensPerMember} tokens per member, even when created at the same time`, async () => {
    const member = await createMember(t);
    const responses = await Promise.all(Array.from({ length: LIMITS.accessTokensPerMember + 3 }, (_, i) =>
      t.request({ method: 'POST', url: '/api/v1/me/access-tokens', as: member.token, payload: { name: `bot ${i}` } })));
    expect(responses.filter((r) => r.statusCode === 201)).toHaveLength(LIMITS.accessTokensPerMember);
    const refused = responses.filter((r) => r.statusCode !== 201);
    expect(refused.map((r) => r.statusCode)).toEqual([409, 409, 409]);
    expect(refused[0]!.json()).toMatchObject({ error: 'too_many' });
    const count = await t.db.db.selectFrom('access_tokens').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', member.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(LIMITS.accessTokensPerMember);
  });

  it('needs a signed-in session to create a token: not anonymous, not another token', async () => {
    const member = await createMember(t);
    const { token } = await createToken(member);
    expect((await t.request({ method: 'POST', url: '/api/v1/me/access-tokens', payload: { name: 'x' } })).statusCode).toBe(401);
    const withToken = await asBot(token, { method: 'POST', url: '/api/v1/me/access-tokens', payload: { name: 'encore un' } });
    expect(withToken.statusCode, withToken.body).toBe(403);
    expect((await t.request({ url: '/api/v1/me/access-tokens' })).statusCode).toBe(401);
    expect((await t.request({ url: '/api/v1/me/access-tokens', as: member.token })).json().tokens).toHaveLength(1);
  });

  it('revokes only my own tokens; another member\'s answers 404 and keeps working', async () => {
    const alice = await createMember(t);
    const bob = await createMember(t);
    const bobs = await createToken(bob);
    const response = await t.request({ method: 'DELETE', url: `/api/v1/me/access-tokens/${bobs.id}`, as: alice.token });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toBe('not_found');
    expect((await asBot(bobs.token, { url: '/api/v1/me' })).statusCode).toBe(200);

    expect((await t.request({ method: 'DELETE', url: '/api/v1/me/access-tokens/not-a-uuid', as: alice.token })).statusCode).toBe(400);
    expect((await t.request({ method: 'DELETE', url: '/api/v1/me/access-tokens/0190a3b4-0000-7000-8000-000000000000', as: alice.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/me/access-tokens/${bobs.id}` })).statusCode).toBe(401);

    expect((await t.request({ method: 'DELETE', url: `/api/v1/me/access-tokens/${bobs.id}`, as: bob.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/me/access-tokens/${bobs.id}`, as: bob.token })).statusCode).toBe(404);
  });
});

describe('Authorization: Bearer', () => {
  it('authenticates an API request as the token\'s member', async () => {
    const member = await createMember(t);
    const { token } = await createToken(member);
    const me = await asBot(token, { url: '/api/v1/me' });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ id: member.id, handle: member.handle });
    expect((await asBot(token, { url: '/api/v1/me', headers: { authorization: `bearer   ${token}` } })).statusCode).toBe(200);
  });

  it('writes without the Origin rules a browser session needs', async () => {
    const member = await createMember(t);
    const { token } = await createToken(member);
    const noOrigin = await asBot(token, { method: 'PATCH', url: '/api/v1/me/profile', payload: { displayName: 'Bot de la section' } });
    expect(noOrigin.statusCode, noOrigin.body).toBe(200);
    const foreign = await asBot(token, { method: 'PATCH', url: '/api/v1/me/profile', payload: { displayName: 'Encore le bot' }, headers: { origin: 'https://elsewhere.example' } });
    expect(foreign.statusCode, foreign.body).toBe(200);
    // The same write with the session cookie and a foreign Origin stays refused.
    const csrf = await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: member.token, payload: { displayName: 'Pirate' }, headers: { origin: 'https://elsewhere.example' } });
    expect(csrf.statusCode).toBe(403);
  });

  it('is the token\'s member only: a session cookie on the same request is not read', async () => {
    const alice = await createMember(t);
    const bob = await createMember(t);
    const { token } = await createToken(bob);
    const response = await t.request({ url: '/api/v1/me', as: alice.token, headers: { authorization: `Bearer ${token}` } });
    expect(response.json().id).toBe(bob.id);
    const bad = await t.request({ url: '/api/v1/me', as: alice.token, headers: { authorization: 'Bearer caucus_pat_nope' } });
    expect(bad.statusCode).toBe(401);
  });

  it('answers an unknown, malformed or empty token with a 401, even on a route open to visitors', async () => {
    const member = await createMember(t);
    for (const header of [`Bearer caucus_pat_${'a'.repeat(52)}`, 'Bearer caucus_pat_short', 'Bearer', 'Bearer two words', `Bearer ${member.token}`]) {
      const response = await t.app.inject({ url: `/api/v1/profiles/${member.handle}`, headers: { authorization: header } });
      expect(response.statusCode, header).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect(response.json()).toMatchObject({ error: 'unauthenticated', message: expect.stringContaining('access token') });
    }
    // Another scheme is not ours: the request goes on as a visitor's.
    expect((await t.app.inject({ url: '/api/v1/network', headers: { authorization: 'Basic Zm9vOmJhcg==' } })).statusCode).toBe(200);
  });

  it('stops working at once when revoked', async () => {
    const member = await createMember(t);
    const { token, id } = await createToken(member);
    expect((await asBot(token, { url: '/api/v1/me' })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/me/access-tokens/${id}`, as: member.token })).statusCode).toBe(200);
    expect((await asBot(token, { url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('lets a bot revoke its own token, but not reach what needs the session', async () => {
    const member = await createMember(t);
    const { token, id } = await createToken(member);
    expect((await asBot(token, { url: '/api/v1/auth/sessions' })).statusCode).toBe(401);
    expect((await asBot(token, { method: 'POST', url: '/api/v1/auth/password', payload: { currentPassword: 'x'.repeat(12), newPassword: 'Pivoine-Jaune-2031!' } })).statusCode).toBe(401);
    expect((await asBot(token, { url: '/api/v1/me/access-tokens' })).json().tokens).toHaveLength(1);
    expect((await asBot(token, { method: 'DELETE', url: `/api/v1/me/access-tokens/${id}` })).statusCode).toBe(200);
    expect((await asBot(token, { url: '/api/v1/me' })).statusCode).toBe(401);
  });

  it('records the last use, at most once a minute', async () => {
    const member = await createMember(t);
    const { token, id } = await createToken(member);
    const lastUsed = async () => (await t.db.db.selectFrom('access_tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow()).last_used_at;
    expect(await lastUsed()).toBeNull();
    await asBot(token, { url: '/api/v1/me' });
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await asBot(token, { url: '/api/v1/me' });
    expect(await lastUsed()).toEqual(first);

    await t.db.db.updateTable('access_tokens').set({ last_used_at: sql<Date>`now() - interval '2 minutes'` }).where('id', '=', id).execute();
    const old = await lastUsed();
    await asBot(token, { url: '/api/v1/me' });
    expect((await lastUsed())!.getTime()).toBeGreaterThan(old!.getTime());
    const listed = (await t.request({ url: '/api/v1/me/access-tokens', as: member.token })).json().tokens[0];
    expect(listed.lastUsedAt).toBe((await lastUsed())!.toISOString());
  });

  it('is written into the OpenAPI document', async () => {
    const doc = (await t.request({ url: '/api/docs/json' })).json();
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    expect(doc.paths['/api/v1/me/access-tokens'].post).toBeDefined();
  });
});
