import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from './cursor.ts';
import { hashToken } from './tokens.ts';
import { countRows, createMember, createTestApp, lastMailTo, randomIp, STRONG_PASSWORD, type TestApp } from '../testing/test-app.ts';

// Every refusal has a code and a message a person can act on, and a field refusal names its field.
// A refused write leaves no row behind.
let t: TestApp;
let member: Awaited<ReturnType<typeof createMember>>;
beforeAll(async () => {
  t = await createTestApp();
  member = await createMember(t, { handle: 'Taken_Handle' });
});
afterAll(() => t.close());

type Response = Awaited<ReturnType<TestApp['request']>>;
const valid = { email: 'new.member@example.org', password: STRONG_PASSWORD, displayName: 'Nouvelle Membre', acceptPrivacyPolicy: true };
const signup = (payload: unknown, headers: Record<string, string> = {}) =>
  t.request({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: randomIp(), headers: { 'content-type': 'application/json', ...headers }, payload: typeof payload === 'string' ? payload : JSON.stringify(payload) });
const patchProfile = (payload: unknown) => t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: member.token, payload: payload as object });
const putHandle = (payload: unknown) => t.request({ method: 'PUT', url: '/api/v1/me/handle', as: member.token, payload: payload as object });

function expectError(response: Response, status: number, code: string, field?: string, fieldCode = code) {
  expect(response.statusCode, response.body).toBe(status);
  const body = response.json();
  expect(body.error).toBe(code);
  expect(body.message).toEqual(expect.any(String));
  expect(body.message.length).toBeGreaterThan(5);
  if (field) {
    expect(body.fields?.[field], JSON.stringify(body)).toMatchObject({ code: fieldCode, message: expect.any(String) });
  }
}

/** Runs a refused sign-up and checks it created no member, consent, token or mail. */
async function expectSignupRefused(payload: unknown, status: number, code: string, field?: string, fieldCode?: string) {
  const before = await countRows(t, ['members', 'consents', 'email_tokens', 'outbox']);
  const response = await signup(payload);
  expectError(response, status, code, field, fieldCode);
  expect(await countRows(t, ['members', 'consents', 'email_tokens', 'outbox'])).toEqual(before);
  return response.json();
}

describe('bad input', () => {
  it('refuses malformed JSON', async () => {
    await expectSignupRefused('{"email": "a@example.org",', 400, 'invalid_input');
  });

  it('refuses an empty JSON body', async () => {
    await expectSignupRefused('', 400, 'invalid_input');
  });

  it('refuses a body that is not JSON', async () => {
    const before = await countRows(t);
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/signup', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'email=a@example.org' });
    expectError(response, 415, 'unsupported_media_type');
    expect(await countRows(t)).toEqual(before);
  });

  it('refuses a body over 1 MiB', async () => {
    const response = await patchProfile({ bio: 'x'.repeat(1024 * 1024 + 1) });
    expectError(response, 413, 'payload_too_large');
  });

  it('refuses wrong types, field by field', async () => {
    const body = await expectSignupRefused({ ...valid, email: 42, acceptPrivacyPolicy: 'yes', displayName: ['Nouvelle'] }, 400, 'invalid_input', 'email', 'wrong_type');
    expect(body.fields.acceptPrivacyPolicy.code).toBe('wrong_type');
    expect(body.fields.displayName.code).toBe('wrong_type');
    expectError(await putHandle({ handle: ['nouvelle'] }), 400, 'invalid_input', 'handle', 'wrong_type');
    // No coercion of bodies: "true" is not true, 1 is not "1".
    await expectSignupRefused({ ...valid, acceptPrivacyPolicy: 'true' }, 400, 'invalid_input', 'acceptPrivacyPolicy', 'wrong_type');
    expectError(await patchProfile({ listedInDirectory: 1 }), 400, 'invalid_input', 'listedInDirectory', 'wrong_type');
  });

  it('refuses a body of the wrong shape', async () => {
    for (const payload of ['[]', '42', '"text"', 'null', 'true']) await expectSignupRefused(payload, 400, 'invalid_input');
  });

  it('names every missing field', async () => {
    const body = await expectSignupRefused({}, 400, 'invalid_input', 'email', 'required');
    expect(Object.keys(body.fields).sort()).toEqual(['acceptPrivacyPolicy', 'displayName', 'email', 'password']);
    for (const field of Object.values(body.fields) as Array<{ code: string }>) expect(field.code).toBe('required');
    await expectSignupRefused({ ...valid, displayName: '' }, 400, 'invalid_input', 'displayName', 'required');
  });

  it('refuses a display name of blanks', async () => {
    await expectSignupRefused({ ...valid, displayName: '   ' }, 400, 'required', 'displayName');
    expectError(await patchProfile({ displayName: ' \t ' }), 400, 'required', 'displayName');
  });

  it('refuses unknown fields instead of dropping them', async () => {
    await expectSignupRefused({ ...valid, role: 'owner' }, 400, 'invalid_input', 'role', 'unknown_field');
    expectError(await patchProfile({ role: 'admin' }), 400, 'invalid_input', 'role', 'unknown_field');
    expectError(await patchProfile({ links: [{ label: 'Site', url: 'https://example.org', rel: 'me' }] }), 400, 'invalid_input', 'links.0.rel', 'unknown_field');
  });

  it('refuses over-long strings and says the limit', async () => {
    const body = await expectSignupRefused(
      { ...valid, displayName: 'x'.repeat(81), password: `${STRONG_PASSWORD}${'x'.repeat(256)}`, email: `${'a'.repeat(250)}@example.org` },
      400, 'invalid_input', 'displayName', 'too_long',
    );
    expect(body.fields.displayName.params).toEqual({ max: 80 });
    expect(body.fields.password.code).toBe('too_long');
    expectError(await putHandle({ handle: 'h'.repeat(31) }), 400, 'invalid_input', 'handle', 'too_long');
    expect(['too_long', 'invalid_email']).toContain(body.fields.email.code);
    expectError(await patchProfile({ bio: 'x'.repeat(2001) }), 400, 'invalid_input', 'bio', 'too_long');
    expectError(await patchProfile({ commune: 'x'.repeat(101) }), 400, 'invalid_input', 'commune', 'too_long');
    expectError(await t.request({ url: `/api/v1/members?q=${'x'.repeat(101)}`, as: member.token }), 400, 'invalid_input', 'q', 'too_long');
  });

  it.each(['not-an-email', 'name@', '@example.org', 'a b@example.org', 'a@@example.org', 'a@example..org', '<a@example.org>'])('refuses the e-mail %s', async (email) => {
    await expectSignupRefused({ ...valid, email }, 400, 'invalid_input', 'email', 'invalid_email');
  });

  it('refuses a handle with other characters than letters, digits and underscores', async () => {
    for (const handle of ['with space', 'accentué', 'dash-ed', 'dot.ted', '../admin']) {
      expectError(await putHandle({ handle }), 400, 'invalid_input', 'handle', 'invalid_handle');
    }
  });

  it('refuses a short password', async () => {
    await expectSignupRefused({ ...valid, password: 'Court-1!' }, 400, 'invalid_input', 'password', 'too_short');
  });

  it.each([
    ['motdepasse', 'common_password'],
    ['qwertyuiop', 'common_password'],
    ['password1234', 'weak_password'],
    ['Motdepasse1', 'weak_password'],
  ])('refuses the password %s as %s', async (password, code) => {
    await expectSignupRefused({ ...valid, password }, 400, code, 'password');
  });

  it('refuses a password made of the member’s own e-mail', async () => {
    await expectSignupRefused({ ...valid, password: valid.email }, 400, 'common_password', 'password');
  });

  it('answers a taken handle with 409 handle_taken on its field, in any case', async () => {
    const other = await createMember(t);
    expectError(await t.request({ method: 'PUT', url: '/api/v1/me/handle', as: other.token, payload: { handle: 'taken_handle' } }), 409, 'handle_taken', 'handle');
    expectError(await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: other.token, payload: { handle: 'taken_HANDLE' } }), 409, 'handle_taken', 'handle');
    // One's own handle in another case is not taken.
    const own = await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: other.token, payload: { handle: other.handle.toUpperCase() } });
    expect(own.statusCode).toBe(200);
  });

  it('refuses the consent left unticked', async () => {
    await expectSignupRefused({ ...valid, acceptPrivacyPolicy: false }, 400, 'consent_required', 'acceptPrivacyPolicy');
  });

  it('refuses a verification token that expired, was used, or never existed', async () => {
    expect((await signup({ ...valid, email: 'token.case@example.org' })).statusCode).toBe(202);
    const token = (await lastMailTo(t, 'token.case@example.org'))!.token!;
    const verify = (value: string) => t.request({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: value } });

    await t.db.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', hashToken(token)).execute();
    expectError(await verify(token), 400, 'invalid_token', 'token');
    await t.db.db.updateTable('email_tokens').set({ expires_at: new Date(Date.now() + 60_000) }).where('id', '=', hashToken(token)).execute();
    expect((await verify(token)).statusCode).toBe(200);
    expectError(await verify(token), 400, 'invalid_token', 'token');
    expectError(await verify('abcdefghijklmnopqrstuvwxyz234567'), 400, 'invalid_token', 'token');
    expectError(await verify('short'), 400, 'invalid_input', 'token', 'too_short');
  });

  it('refuses a malformed cursor', async () => {
    for (const cursor of ['%25%25%25', 'garbage', encodeCursor('a', '-'.repeat(36)), Buffer.from('["a",1]').toString('base64url')]) {
      expectError(await t.request({ url: `/api/v1/members?cursor=${cursor}`, as: member.token }), 400, 'invalid_cursor', 'cursor');
    }
  });

  it('refuses choices outside the list and numbers out of range', async () => {
    expectError(await patchProfile({ bioVisibility: 'friends' }), 400, 'invalid_input', 'bioVisibility', 'invalid_choice');
    expectError(await patchProfile({ profileVisibility: 'private' }), 400, 'invalid_input', 'profileVisibility', 'invalid_choice');
    expectError(await t.request({ url: '/api/v1/members?limit=0', as: member.token }), 400, 'invalid_input', 'limit', 'out_of_range');
    expectError(await t.request({ url: '/api/v1/members?limit=101', as: member.token }), 400, 'invalid_input', 'limit', 'out_of_range');
    expectError(await t.request({ url: '/api/v1/members?limit=abc', as: member.token }), 400, 'invalid_input', 'limit', 'wrong_type');
    expectError(await t.request({ url: '/api/v1/members?sort=name', as: member.token }), 400, 'invalid_input', 'sort', 'unknown_field');
  });

  it('refuses profile links that are not web addresses, and too many of them', async () => {
    for (const url of ['javascript:alert(1)', 'ftp://example.org/x', 'example.org/page', 'data:text/html,x']) {
      expectError(await patchProfile({ links: [{ label: 'Site', url }] }), 400, 'invalid_input', 'links.0.url', 'invalid_url');
    }
    const six = Array.from({ length: 6 }, (_, i) => ({ label: `L${i}`, url: `https://example.org/${i}` }));
    expectError(await patchProfile({ links: six }), 400, 'invalid_input', 'links', 'too_many');
    expectError(await patchProfile({ postalCode: '7500' }), 400, 'invalid_input', 'postalCode', 'invalid_format');
    const settings = (await t.request({ url: '/api/v1/me/profile', as: member.token })).json();
    expect(settings.links).toEqual([]);
  });

  it('refuses NUL characters instead of failing in the database', async () => {
    await expectSignupRefused({ ...valid, displayName: 'Nul\u0000Part' }, 400, 'invalid_input', 'displayName', 'invalid_format');
    expectError(await patchProfile({ bio: 'a\u0000b' }), 400, 'invalid_input', 'bio', 'invalid_format');
    expectError(await t.request({ url: '/api/v1/members?q=a%00b', as: member.token }), 400, 'invalid_input', 'q', 'invalid_format');
    expectError(await t.request({ url: '/api/v1/profiles/a%00b' }), 400, 'invalid_input', 'handle', 'invalid_format');
  });
});
