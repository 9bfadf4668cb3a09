import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, sessionFor, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
let viewers: Record<'visitor' | 'unverified' | 'member' | 'admin', string>;
beforeAll(async () => {
  t = await createTestApp();
  const unverified = await createMember(t, { verified: false });
  viewers = { visitor: '', unverified: await sessionFor(t, unverified.id), member: (await createMember(t)).token, admin: (await createMember(t, { role: 'admin' })).token };
});
afterAll(() => t.close());

const getProfile = (handle: string, as: string) => t.request({ url: `/api/v1/profiles/${handle}`, as });
const patch = (token: string, body: Record<string, unknown>) => t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: token, payload: body });

/** A member whose bio, location and links all have the given visibility. */
async function subjectWith(visibility: 'public' | 'members' | 'private') {
  const subject = await createMember(t);
  const response = await patch(subject.token, {
    profileVisibility: 'public',
    bio: 'Militante **associative**',
    commune: 'Villeurbanne',
    postalCode: '69100',
    links: [{ label: 'Blog', url: 'https://blog.example.org' }],
    bioVisibility: visibility,
    locationVisibility: visibility,
    linksVisibility: visibility,
  });
  expect(response.statusCode).toBe(200);
  return subject;
}

const FIELDS = ['bioHtml', 'commune', 'postalCode', 'links'];

describe('profile fields', () => {
  // Who sees a field of each visibility; the owner sees everything.
  const sees: Record<keyof typeof viewers, Array<'public' | 'members' | 'private'>> = {
    visitor: ['public'],
    unverified: ['public'],
    member: ['public', 'members'],
    admin: ['public', 'members'],
  };

  for (const visibility of ['public', 'members', 'private'] as const) {
    it(`shows ${visibility} fields only to those allowed, and leaves the others out`, async () => {
      const subject = await subjectWith(visibility);
      for (const [who, allowed] of Object.entries(sees) as Array<[keyof typeof viewers, string[]]>) {
        const response = await getProfile(subject.handle, viewers[who]);
        expect(response.statusCode, who).toBe(200);
        const profile = response.json();
        expect(profile.isSelf).toBe(false);
        for (const field of FIELDS) expect(field in profile, `${who} / ${visibility} / ${field}`).toBe(allowed.includes(visibility));
      }
      const own = (await getProfile(subject.handle, subject.token)).json();
      expect(own).toMatchObject({ isSelf: true, bioHtml: '<p>Militante <strong>associative</strong></p>', commune: 'Villeurbanne', postalCode: '69100', links: [{ label: 'Blog', url: 'https://blog.example.org' }] });
    });
  }

  it('sets each field’s visibility on its own', async () => {
    const subject = await subjectWith('members');
    await patch(subject.token, { bioVisibility: 'public', locationVisibility: 'private' });
    const visitor = (await getProfile(subject.handle, '')).json();
    expect(Object.keys(visitor).filter((k) => FIELDS.includes(k))).toEqual(['bioHtml']);
    const member = (await getProfile(subject.handle, viewers.member)).json();
    expect(Object.keys(member).filter((k) => FIELDS.includes(k)).sort()).toEqual(['bioHtml', 'links']);
  });

  it('never shows the e-mail address or the settings to anyone', async () => {
    const subject = await subjectWith('public');
    for (const token of [...Object.values(viewers), subject.token]) {
      const body = (await getProfile(subject.handle, token)).body;
      expect(body).not.toContain(subject.email);
      expect(body).not.toMatch(/Visibility|listedInDirectory/);
    }
  });
});

describe('profile pages', () => {
  it('answers a members-only profile to visitors and unverified accounts exactly like an unknown handle', async () => {
    const subject = await createMember(t); // members-only by default
    const unknown = await getProfile('nobody_by_that_name', '');
    expect(unknown.statusCode).toBe(404);
    for (const token of [viewers.visitor, viewers.unverified]) {
      const hidden = await getProfile(subject.handle, token);
      expect(hidden.statusCode).toBe(404);
      expect(hidden.body).toBe(unknown.body);
    }
    expect((await getProfile(subject.handle, viewers.member)).statusCode).toBe(200);
  });

  it('hides an unverified account’s profile, even public, from all but itself and admins', async () => {
    const subject = await createMember(t, { verified: false, profileVisibility: 'public' });
    const own = await sessionFor(t, subject.id);
    const unknown = (await getProfile('nobody_by_that_name', viewers.member)).body;
    for (const token of [viewers.visitor, viewers.member]) expect((await getProfile(subject.handle, token)).body).toBe(unknown);
    expect((await getProfile(subject.handle, own)).json().isSelf).toBe(true);
    expect((await getProfile(subject.handle, viewers.admin)).statusCode).toBe(200);
  });

  it('finds a handle in any case', async () => {
    const subject = await createMember(t, { handle: 'Camille_D', profileVisibility: 'public' });
    expect((await getProfile('camille_d', '')).json().handle).toBe(subject.handle);
  });

  it('changes the handle: the old one is gone, the new one answers', async () => {
    const subject = await createMember(t, { profileVisibility: 'public' });
    const newHandle = `${subject.handle}_new`;
    const response = await patch(subject.token, { handle: newHandle });
    expect(response.statusCode).toBe(200);
    expect(response.json().handle).toBe(newHandle);
    expect((await getProfile(subject.handle, '')).statusCode).toBe(404);
    expect((await getProfile(newHandle, '')).json().id).toBe(subject.id);
  });

  it('refuses a taken handle, in any case, with 409 handle_taken, and keeps the old one', async () => {
    const holder = await createMember(t, { handle: 'Sacha_R' });
    const subject = await createMember(t);
    for (const handle of ['Sacha_R', 'sacha_r', 'SACHA_R']) {
      const response = await patch(subject.token, { handle, bio: 'should not be saved' });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ error: 'handle_taken', fields: { handle: { code: 'handle_taken' } } });
    }
    const settings = (await t.request({ url: '/api/v1/me/profile', as: subject.token })).json();
    expect(settings).toMatchObject({ handle: subject.handle, bio: '' });
    expect((await getProfile(holder.handle, viewers.member)).json().id).toBe(holder.id);
  });

  it('needs a session to read or change one’s own settings', async () => {
    expect((await t.request({ url: '/api/v1/me/profile' })).statusCode).toBe(401);
    expect((await patch('', { bio: 'x' })).statusCode).toBe(401);
  });
});
