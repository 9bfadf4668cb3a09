import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createMember, createTestApp, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const wizard = { networkName: '  Les Verts de Lyon  ', tagline: 'Ensemble', email: 'Odile@Example.org', password: STRONG_PASSWORD, displayName: 'Odile Martin', handle: 'odile', acceptPrivacyPolicy: true };
const setup = (body: Record<string, unknown>) => t.request({ method: 'POST', url: '/api/v1/setup', payload: body, remoteAddress: randomIp() });
const network = async () => (await t.request({ url: '/api/v1/network' })).json();

// One network, in order: before the first-run setup, the setup itself, then the settled network.
describe('first-run setup', () => {
  it('is required at first, and sign-up waits for it', async () => {
    expect(await network()).toMatchObject({ setupRequired: true, name: 'Caucus' });
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: randomIp(), payload: { email: 'early@example.org', password: STRONG_PASSWORD, displayName: 'Early', acceptPrivacyPolicy: true } });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'setup_required', message: expect.any(String) });
    expect(await countRows(t)).toEqual({ members: 0, consents: 0, email_tokens: 0 });
  });

  it('refuses the wizard without consent, or with a weak password, and stays open', async () => {
    const noConsent = await setup({ ...wizard, acceptPrivacyPolicy: false });
    expect(noConsent.statusCode).toBe(400);
    expect(noConsent.json()).toMatchObject({ error: 'consent_required', fields: { acceptPrivacyPolicy: { code: 'consent_required' } } });
    const blank = await setup({ ...wizard, networkName: ' \t ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().fields.networkName.code).toBe('required');
    const weak = await setup({ ...wizard, password: 'motdepasse' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().fields.password.code).toBe('common_password');
    expect(await network()).toMatchObject({ setupRequired: true, name: 'Caucus' });
    expect(await countRows(t)).toEqual({ members: 0, consents: 0, email_tokens: 0 });
  });

  it('names the network and creates its verified owner, signed in at once', async () => {
    const response = await setup(wizard);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ handle: 'odile', handleChosen: true, email: 'odile@example.org', role: 'owner', emailVerified: true });
    const cookie = response.cookies.find((c) => c.name === 'caucus_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    const me = await t.request({ url: '/api/v1/me', as: cookie!.value });
    expect(me.json()).toMatchObject({ handle: 'odile', role: 'owner' });
    expect(await network()).toMatchObject({ setupRequired: false, name: 'Les Verts de Lyon', tagline: 'Ensemble' });
    const consent = await t.db.db.selectFrom('consents').select(['purpose', 'version']).where('member_id', '=', response.json().id).execute();
    expect(consent).toEqual([{ purpose: 'privacy_policy', version: (await network()).privacyPolicyVersion }]);
  });

  it('works once: a second wizard is a 409 setup_done and changes nothing', async () => {
    const before = await countRows(t, ['members', 'consents', 'sessions']);
    const response = await setup({ ...wizard, networkName: 'Pirates', email: 'pirate@example.org', handle: 'pirate' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: 'setup_done', message: expect.any(String) });
    expect(response.cookies).toEqual([]);
    expect(await countRows(t, ['members', 'consents', 'sessions'])).toEqual(before);
    expect(await network()).toMatchObject({ name: 'Les Verts de Lyon' });
  });

  it('opens sign-up once done', async () => {
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: randomIp(), payload: { email: 'later@example.org', password: STRONG_PASSWORD, displayName: 'Later', acceptPrivacyPolicy: true } });
    expect(response.statusCode).toBe(202);
  });

  it('refuses sign-up without consent', async () => {
    const before = await countRows(t);
    const response = await t.request({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: randomIp(), payload: { email: 'noconsent@example.org', password: STRONG_PASSWORD, displayName: 'No', acceptPrivacyPolicy: false } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'consent_required', fields: { acceptPrivacyPolicy: { code: 'consent_required' } } });
    expect(await countRows(t)).toEqual(before);
  });
});

describe('branding', () => {
  const brand = (token: string, body: Record<string, unknown>) => t.request({ method: 'PATCH', url: '/api/v1/admin/network', as: token, payload: body });

  it('is changed by an admin', async () => {
    const admin = await createMember(t, { role: 'admin' });
    const response = await brand(admin.token, { name: 'Lyon Écologie', primaryColor: '#2E7D32', accentColor: '#ffcc00' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ name: 'Lyon Écologie', tagline: 'Ensemble', colors: { primary: '#2e7d32', accent: '#ffcc00' } });
    expect(await network()).toMatchObject({ name: 'Lyon Écologie', colors: { primary: '#2e7d32' } });
  });

  it('is refused to a member (403) and a visitor (401), and stays as it was', async () => {
    const before = await network();
    const member = await createMember(t, { role: 'moderator' });
    const asMember = await brand(member.token, { name: 'Hijacked' });
    expect(asMember.statusCode).toBe(403);
    expect(asMember.json().error).toBe('forbidden');
    expect((await brand('', { name: 'Hijacked' })).statusCode).toBe(401);
    expect(await network()).toEqual(before);
  });

  it('refuses a name of blanks, in the wizard as in branding', async () => {
    const admin = await createMember(t, { role: 'admin' });
    const response = await brand(admin.token, { name: '   ' });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.name.code).toBe('required');
    expect((await network()).name).not.toBe('');
  });

  it.each(['red', '#fff', '#12345g', '#1234567', 'rgb(0,0,0)', '#123456; background:url(x)'])('refuses the colour %s as invalid_color', async (colour) => {
    const admin = await createMember(t, { role: 'admin' });
    const response = await brand(admin.token, { primaryColor: colour });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.primaryColor.code).toBe('invalid_color');
  });
});
