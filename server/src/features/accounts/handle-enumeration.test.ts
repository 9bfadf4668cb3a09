import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, lastMailTo, login, randomIp, STRONG_PASSWORD, type TestApp } from '../../testing/test-app.ts';

// Issue 9.3: sign-up answered `409 handle_taken` to anyone, so a visitor could tell who is a member
// by trying handles. Sign-up takes no handle now; a signed-in, verified member chooses one.
let t: TestApp;
let owner: Awaited<ReturnType<typeof createMember>>;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createMember(t, { role: 'owner', handle: 'camille_owner' }); // closes the first-run setup
});
afterAll(() => t.close());

const signup = (body: Record<string, unknown>) => t.request({ method: 'POST', url: '/api/v1/auth/signup', payload: body, remoteAddress: randomIp() });
const newcomer = (email: string) => ({ email, password: STRONG_PASSWORD, displayName: 'Nora Petit', acceptPrivacyPolicy: true });

/** Signs up through the API, follows the mailed link, logs in: a session token for a member who has not chosen a handle yet. */
async function signUpAndLogIn(email: string): Promise<string> {
  expect((await signup(newcomer(email))).statusCode).toBe(202);
  const mail = await lastMailTo(t, email);
  expect((await t.request({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: mail!.token } })).statusCode).toBe(200);
  return login(t, email);
}

const me = async (token: string) => (await t.request({ url: '/api/v1/me', as: token })).json();
const chooseHandle = (token: string, handle: unknown) => t.request({ method: 'PUT', url: '/api/v1/me/handle', as: token, payload: { handle } });
const profile = (handle: string, token: string | null) => t.request({ url: `/api/v1/profiles/${handle}`, as: token });
const directory = async (token: string, q: string) => ((await t.request({ url: `/api/v1/members?q=${encodeURIComponent(q)}`, as: token })).json().members as Array<{ handle: string }>).map((m) => m.handle);
const mentionHtml = async (handle: string) => {
  const response = await t.request({ method: 'POST', url: `/api/v1/profiles/${owner.handle}/posts`, as: owner.token, payload: { body: `Bienvenue @${handle} !` } });
  expect(response.statusCode).toBe(201);
  return response.json().bodyHtml as string;
};

describe('handles are not enumerable anonymously', () => {
  it('answers a sign-up alike whatever the handle, and whatever the e-mail', async () => {
    const taken = await signup({ ...newcomer('enum.one@example.org'), handle: owner.handle });
    const free = await signup({ ...newcomer('enum.two@example.org'), handle: 'personne_encore' });
    // Sign-up takes no handle at all: the unknown field is refused the same way, taken or not.
    expect([taken.statusCode, taken.body]).toEqual([free.statusCode, free.body]);
    expect(free.statusCode).toBe(400);
    expect(taken.json().fields.handle.code).toBe('unknown_field');

    const fresh = await signup(newcomer('enum.three@example.org'));
    const registered = await signup(newcomer(owner.email));
    expect([fresh.statusCode, fresh.body]).toEqual([202, '{"ok":true}']);
    expect([registered.statusCode, registered.body]).toEqual([fresh.statusCode, fresh.body]);
  });

  it('gives a new member a provisional handle that names nobody: no profile, no directory, no mention', async () => {
    const token = await signUpAndLogIn('provisional@example.org');
    const { handle, handleChosen } = await me(token);
    expect(handleChosen).toBe(false);
    expect(handle).toMatch(/^membre_[a-z2-7]{16}$/);
    // Even opened to everyone and listed, it stays hidden until the handle is chosen.
    expect((await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: token, payload: { profileVisibility: 'public', listedInDirectory: true } })).statusCode).toBe(200);

    const unknown = await profile('membre_aaaaaaaaaaaaaaaa', owner.token);
    for (const viewer of [owner.token, null]) {
      const answer = await profile(handle, viewer);
      expect([answer.statusCode, answer.body]).toEqual([404, unknown.body]);
    }
    expect((await profile(handle, token)).statusCode).toBe(200); // its holder still sees it
    expect(await directory(owner.token, 'Nora Petit')).not.toContain(handle);
    expect(await mentionHtml(handle)).not.toContain('class="mention"');
  });

  it('lets a signed-in member choose a handle: a taken or reserved one is a field error, then it is theirs', async () => {
    const token = await signUpAndLogIn('chooser@example.org');
    const provisional = (await me(token)).handle;

    for (const refused of [owner.handle.toUpperCase(), 'membre_mine', provisional]) {
      const answer = await chooseHandle(token, refused);
      expect(answer.statusCode, refused).toBe(409);
      expect(answer.json().fields.handle.code).toBe('handle_taken');
    }
    expect((await chooseHandle(token, 'bad handle')).json().fields.handle.code).toBe('invalid_handle');
    expect((await t.request({ method: 'PUT', url: '/api/v1/me/handle', payload: { handle: 'nora_p' } })).statusCode).toBe(401);

    const chosen = await chooseHandle(token, 'Nora_P');
    expect(chosen.statusCode).toBe(200);
    expect(chosen.json()).toMatchObject({ handle: 'Nora_P', handleChosen: true });
    expect((await t.request({ url: '/api/v1/page-context', as: token })).json().viewer).toMatchObject({ handle: 'Nora_P', handleChosen: true });

    await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: token, payload: { listedInDirectory: true } });
    expect((await profile('nora_p', owner.token)).statusCode).toBe(200);
    expect(await directory(owner.token, 'nora_p')).toContain('Nora_P');
    expect(await mentionHtml('nora_p')).toContain('<a href="/members/Nora_P"');
    expect((await profile(provisional, owner.token)).statusCode).toBe(404);
    // Taken now, for anyone else who tries it.
    expect((await chooseHandle(owner.token, 'nora_P')).statusCode).toBe(409);
  });

  it('counts existing members, the setup wizard and create-admin as having chosen their handle', async () => {
    const member = await createMember(t);
    expect(await me(member.token)).toMatchObject({ handle: member.handle, handleChosen: true });
  });

  it('rate limits the handle tries of a member', async () => {
    const member = await createMember(t);
    const answers: number[] = [];
    for (let i = 0; i < 21; i += 1) answers.push((await chooseHandle(member.token, owner.handle)).statusCode);
    expect(answers.slice(0, 20).every((status) => status === 409)).toBe(true);
    expect(answers[20]).toBe(429);
  });
});
