import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, sessionFor, type TestApp } from '../../testing/test-app.ts';

type Member = Awaited<ReturnType<typeof createMember>>;
let t: TestApp;
let admin: Member;
beforeAll(async () => {
  t = await createTestApp();
  admin = await createMember(t, { role: 'admin' });
});
afterAll(() => t.close());

/** New members, one per name: `const [organizer, joiner] = await newMembers('organizer', 'joiner')`. */
const newMembers = <T extends string[]>(...names: T) => Promise.all(names.map(() => createMember(t))) as Promise<{ [K in keyof T]: Member }>;

let unique = 0;
async function newGroup(organizer: Member, visibility: 'public' | 'private' | 'secret') {
  const response = await t.request({ method: 'POST', url: '/api/v1/groups', as: organizer.token, payload: { name: `Groupe ${++unique} ${Math.random().toString(36).slice(2, 6)}`, visibility } });
  expect(response.statusCode, response.body).toBe(201);
  const group = response.json() as { id: string; slug: string };
  return { ...group, url: `/api/v1/groups/${group.slug}` };
}
const post = (url: string, as: Member | string, payload?: Record<string, unknown>) =>
  t.request({ method: 'POST', url, as: typeof as === 'string' ? as : as.token, ...(payload ? { payload } : {}) });
const patch = (url: string, as: Member, payload: Record<string, unknown>) => t.request({ method: 'PATCH', url, as: as.token, payload });
const del = (url: string, as: Member) => t.request({ method: 'DELETE', url, as: as.token });

/** The group's count, its active rows, and every row: what a refused change must leave as it was. */
async function snapshot(groupId: string) {
  const group = await t.db.db.selectFrom('groups').select(['member_count', 'last_activity_at']).where('id', '=', groupId).executeTakeFirstOrThrow();
  const rows = await t.db.db.selectFrom('group_members').select(['member_id', 'state', 'role']).where('group_id', '=', groupId).orderBy('member_id').execute();
  expect(group.member_count, 'member_count is exact').toBe(rows.filter((r) => r.state === 'active').length);
  return { memberCount: group.member_count, lastActivityAt: group.last_activity_at.getTime(), rows };
}
const rowOf = async (groupId: string, memberId: string) =>
  (await t.db.db.selectFrom('group_members').select(['state', 'role']).where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst()) ?? null;
const notificationsOf = (memberId: string) =>
  t.db.db.selectFrom('notifications').select(['kind', 'actor_id', 'group_id']).where('recipient_id', '=', memberId).orderBy('created_at').execute();

function expectError(response: { statusCode: number; json(): { error: string } }, status: number, code: string) {
  expect(response.statusCode, JSON.stringify(response.json())).toBe(status);
  expect(response.json().error).toBe(code);
}

describe('joining', () => {
  it('a public group: in at once, counted, the group marked active; a second join is a 409 that changes nothing', async () => {
    const [organizer, joiner] = await newMembers('organizer', 'joiner');
    const group = await newGroup(organizer, 'public');
    const before = await snapshot(group.id);
    const joined = await post(`${group.url}/join`, joiner);
    expect(joined.json()).toEqual({ state: 'active', role: 'member' });
    const after = await snapshot(group.id);
    expect(after.memberCount).toBe(2);
    expect(after.lastActivityAt).toBeGreaterThanOrEqual(before.lastActivityAt);
    expectError(await post(`${group.url}/join`, joiner), 409, 'already_member');
    expect(await snapshot(group.id)).toEqual(after);
  });

  it('at the same time: every join counted once, a doubled join refused', async () => {
    const [organizer, a, b, c] = await newMembers('organizer', 'a', 'b', 'c');
    const group = await newGroup(organizer, 'public');
    const results = await Promise.all([a, b, c, a, b].map((who) => post(`${group.url}/join`, who)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 409, 409]);
    expect((await snapshot(group.id)).memberCount).toBe(4);
    const leaving = await Promise.all([a, a, b].map((who) => post(`${group.url}/leave`, who)));
    expect(leaving.map((r) => r.statusCode).sort()).toEqual([200, 200, 409]);
    expect((await snapshot(group.id)).memberCount).toBe(2);
  });

  it('a private group: a request, the organizers and moderators notified; approved once, refused once', async () => {
    const [organizer, moderator, plain, asker, other] = await newMembers('organizer', 'moderator', 'plain', 'asker', 'other');
    const group = await newGroup(organizer, 'private');
    for (const who of [moderator, plain]) {
      await post(`${group.url}/invitations`, organizer, { handle: who.handle });
      await post(`${group.url}/invitation/accept`, who);
    }
    await patch(`${group.url}/members/${moderator.handle}`, organizer, { role: 'moderator' });

    expect((await post(`${group.url}/join`, asker)).json()).toEqual({ state: 'pending', role: 'member' });
    expect((await snapshot(group.id)).memberCount).toBe(3);
    expectError(await post(`${group.url}/join`, asker), 409, 'already_requested');
    await t.app.notifications.idle();
    for (const who of [organizer, moderator]) expect(await notificationsOf(who.id)).toContainEqual({ kind: 'join_request', actor_id: asker.id, group_id: group.id });
    expect((await notificationsOf(plain.id)).filter((n) => n.kind === 'join_request')).toEqual([]);

    // A plain member cannot answer requests.
    expect((await post(`${group.url}/members/${asker.handle}/approve`, plain)).statusCode).toBe(403);
    const approved = await post(`${group.url}/members/${asker.handle}/approve`, moderator);
    expect(approved.json()).toMatchObject({ handle: asker.handle, state: 'active', role: 'member' });
    expect((await snapshot(group.id)).memberCount).toBe(4);
    expect(await notificationsOf(asker.id)).toContainEqual({ kind: 'request_approved', actor_id: moderator.id, group_id: group.id });
    const afterApproval = await snapshot(group.id);
    expectError(await post(`${group.url}/members/${asker.handle}/approve`, organizer), 409, 'not_pending');
    expectError(await post(`${group.url}/members/${asker.handle}/refuse`, organizer), 409, 'not_pending');
    expect(await snapshot(group.id)).toEqual(afterApproval);

    await post(`${group.url}/join`, other);
    expect((await post(`${group.url}/members/${other.handle}/refuse`, organizer)).json()).toEqual({ ok: true });
    expect(await rowOf(group.id, other.id)).toBeNull();
    expectError(await post(`${group.url}/members/${other.handle}/refuse`, organizer), 404, 'not_found');
    expect(await snapshot(group.id)).toEqual(afterApproval);
    // Refused is not banned: they may ask again.
    expect((await post(`${group.url}/join`, other)).json().state).toBe('pending');
  });

  it('a secret group: invisible to a non-member, by invitation only for an invitee', async () => {
    const [organizer, stranger, invitee] = await newMembers('organizer', 'stranger', 'invitee');
    const group = await newGroup(organizer, 'secret');
    await post(`${group.url}/invitations`, organizer, { handle: invitee.handle });
    const before = await snapshot(group.id);
    expectError(await post(`${group.url}/join`, stranger), 404, 'not_found');
    expectError(await post(`${group.url}/join`, invitee), 403, 'invitation_only');
    expect(await snapshot(group.id)).toEqual(before);
    expect((await post(`${group.url}/invitation/accept`, invitee)).json()).toEqual({ state: 'active', role: 'member' });
    expect((await snapshot(group.id)).memberCount).toBe(2);
  });

  it('needs a confirmed address', async () => {
    const organizer = await createMember(t);
    const group = await newGroup(organizer, 'public');
    const unverified = await createMember(t, { verified: false });
    expectError(await post(`${group.url}/join`, await sessionFor(t, unverified.id)), 403, 'email_not_verified');
    expect((await snapshot(group.id)).memberCount).toBe(1);
  });
});

describe('leaving', () => {
  it('withdraws a request, declines an invitation, and keeps the last organizer', async () => {
    const [organizer, asker, invitee, plain] = await newMembers('organizer', 'asker', 'invitee', 'plain');
    const group = await newGroup(organizer, 'private');
    await post(`${group.url}/join`, asker);
    await post(`${group.url}/invitations`, organizer, { handle: invitee.handle });
    await post(`${group.url}/invitations`, organizer, { handle: plain.handle });
    await post(`${group.url}/invitation/accept`, plain);
    expect((await post(`${group.url}/leave`, asker)).json()).toEqual({ ok: true });
    expect((await post(`${group.url}/leave`, invitee)).json()).toEqual({ ok: true });
    expect([await rowOf(group.id, asker.id), await rowOf(group.id, invitee.id)]).toEqual([null, null]);
    expect((await snapshot(group.id)).memberCount).toBe(2);

    const before = await snapshot(group.id);
    expectError(await post(`${group.url}/leave`, organizer), 409, 'last_organizer');
    expectError(await patch(`${group.url}/members/${organizer.handle}`, organizer, { role: 'member' }), 409, 'last_organizer');
    expectError(await post(`${group.url}/leave`, asker), 409, 'not_a_member');
    expect(await snapshot(group.id)).toEqual(before);

    // With a second organizer, the first may step down and leave.
    expect((await patch(`${group.url}/members/${plain.handle}`, organizer, { role: 'organizer' })).json()).toMatchObject({ role: 'organizer' });
    expect((await patch(`${group.url}/members/${organizer.handle}`, organizer, { role: 'member' })).json()).toMatchObject({ role: 'member' });
    expectError(await patch(`${group.url}/members/${organizer.handle}`, organizer, { role: 'organizer' }), 403, 'forbidden');
    expect((await post(`${group.url}/leave`, organizer)).json()).toEqual({ ok: true });
    expect(await snapshot(group.id)).toMatchObject({ memberCount: 1, rows: [{ member_id: plain.id, state: 'active', role: 'organizer' }] });
  });
});

describe('roles, removals and bans', () => {
  it('lets moderators act on plain members only, organizers on anyone but themselves', async () => {
    const [organizer, moderator, moderator2, plain] = await newMembers('organizer', 'moderator', 'moderator2', 'plain');
    const group = await newGroup(organizer, 'public');
    for (const who of [moderator, moderator2, plain]) await post(`${group.url}/join`, who);
    await patch(`${group.url}/members/${moderator.handle}`, organizer, { role: 'moderator' });
    await patch(`${group.url}/members/${moderator2.handle}`, organizer, { role: 'moderator' });
    const before = await snapshot(group.id);
    expectError(await del(`${group.url}/members/${moderator2.handle}`, moderator), 403, 'forbidden');
    expectError(await post(`${group.url}/members/${moderator2.handle}/ban`, moderator), 403, 'forbidden');
    expectError(await del(`${group.url}/members/${organizer.handle}`, moderator), 403, 'forbidden');
    expectError(await patch(`${group.url}/members/${plain.handle}`, moderator, { role: 'moderator' }), 403, 'forbidden');
    expectError(await del(`${group.url}/members/${moderator.handle}`, moderator), 403, 'forbidden');
    expect(await snapshot(group.id)).toEqual(before);

    expect((await del(`${group.url}/members/${plain.handle}`, moderator)).json()).toEqual({ ok: true });
    expect((await del(`${group.url}/members/${moderator2.handle}`, organizer)).json()).toEqual({ ok: true });
    expect((await snapshot(group.id)).memberCount).toBe(2);
  });

  it('keeps the last organizer even against an admin, and answers unknown members and groups with a 404', async () => {
    const [organizer, outsider] = await newMembers('organizer', 'outsider');
    const group = await newGroup(organizer, 'public');
    const before = await snapshot(group.id);
    expectError(await del(`${group.url}/members/${organizer.handle}`, admin), 409, 'last_organizer');
    expectError(await post(`${group.url}/members/${organizer.handle}/ban`, admin), 409, 'last_organizer');
    expectError(await patch(`${group.url}/members/${organizer.handle}`, admin, { role: 'moderator' }), 409, 'last_organizer');
    for (const [method, path] of [['POST', 'approve'], ['POST', 'refuse'], ['DELETE', ''], ['DELETE', 'ban'], ['PATCH', '']] as const) {
      const suffix = path ? `/${path}` : '';
      const payload = method === 'PATCH' ? { payload: { role: 'member' } } : {};
      for (const handle of ['no_such_member', outsider.handle]) {
        const response = await t.request({ method, url: `${group.url}/members/${handle}${suffix}`, as: organizer.token, ...payload });
        expectError(response, 404, 'not_found');
      }
      const unknownGroup = await t.request({ method, url: `/api/v1/groups/no-such-group/members/${outsider.handle}${suffix}`, as: organizer.token, ...payload });
      expectError(unknownGroup, 404, 'not_found');
    }
    for (const action of ['join', 'leave', 'invitation/accept']) expectError(await post(`/api/v1/groups/no-such-group/${action}`, organizer), 404, 'not_found');
    expectError(await post('/api/v1/groups/no-such-group/invitations', organizer, { handle: outsider.handle }), 404, 'not_found');
    expect(await snapshot(group.id)).toEqual(before);
  });

  it('bans: out of the count at once, no rejoining, no second ban; lifting it lets them back', async () => {
    const [organizer, troll, stranger] = await newMembers('organizer', 'troll', 'stranger');
    const group = await newGroup(organizer, 'public');
    await post(`${group.url}/join`, troll);
    expect((await snapshot(group.id)).memberCount).toBe(2);
    expect((await post(`${group.url}/members/${troll.handle}/ban`, organizer)).json()).toMatchObject({ handle: troll.handle, state: 'banned', role: 'member' });
    const banned = await snapshot(group.id);
    expect(banned.memberCount).toBe(1);
    expectError(await post(`${group.url}/join`, troll), 403, 'banned');
    expectError(await post(`${group.url}/members/${troll.handle}/ban`, organizer), 409, 'banned');
    expectError(await post(`${group.url}/leave`, troll), 409, 'not_a_member');
    expectError(await del(`${group.url}/members/${troll.handle}`, organizer), 409, 'banned');
    expectError(await post(`${group.url}/invitations`, organizer, { handle: troll.handle }), 409, 'banned');
    expect(await snapshot(group.id)).toEqual(banned);
    // A ban may come before any membership.
    expect((await post(`${group.url}/members/${stranger.handle}/ban`, organizer)).json().state).toBe('banned');
    expect((await snapshot(group.id)).memberCount).toBe(1);
    expectError(await del(`${group.url}/members/${organizer.handle}/ban`, organizer), 409, 'conflict');

    expect((await del(`${group.url}/members/${troll.handle}/ban`, organizer)).json()).toEqual({ ok: true });
    expect(await rowOf(group.id, troll.id)).toBeNull();
    expect((await post(`${group.url}/join`, troll)).json().state).toBe('active');
    expect((await snapshot(group.id)).memberCount).toBe(2);
  });

  it('refuses malformed requests with a 400 naming the field', async () => {
    const organizer = await createMember(t);
    const group = await newGroup(organizer, 'public');
    const before = await snapshot(group.id);
    const cases: Array<[string, string, Record<string, unknown> | undefined, string]> = [
      ['PATCH', `${group.url}/members/${organizer.handle}`, { role: 'king' }, 'role'],
      ['PATCH', `${group.url}/members/${organizer.handle}`, {}, 'role'],
      ['PATCH', `${group.url}/members/${organizer.handle}`, { role: 'member', extra: 1 }, 'extra'],
      ['POST', `${group.url}/invitations`, { email: 'not-an-address' }, 'email'],
      ['POST', `${group.url}/invitations`, { handle: 'bad handle!' }, 'handle'],
      ['POST', `${group.url}/invitations`, { handle: organizer.handle, email: 'a@example.org' }, ''],
      ['POST', `${group.url}/invitations`, {}, ''],
      ['POST', `${group.url}/members/${'x'.repeat(31)}/approve`, undefined, 'handle'],
    ];
    for (const [method, url, payload, field] of cases) {
      const response = await t.request({ method: method as 'POST', url, as: organizer.token, ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url} ${JSON.stringify(payload)} → ${response.body}`).toBe(400);
      expect(response.json().error).toBe('invalid_input');
      if (field) expect(response.json().fields?.[field], response.body).toBeDefined();
    }
    expect(await snapshot(group.id)).toEqual(before);
  });
});

describe('invitations', () => {
  it('by handle: the member is told and accepts once', async () => {
    const [organizer, invitee] = await newMembers('organizer', 'invitee');
    const group = await newGroup(organizer, 'private');
    expect((await post(`${group.url}/invitations`, organizer, { handle: invitee.handle.toUpperCase() })).json()).toEqual({ ok: true });
    expect(await rowOf(group.id, invitee.id)).toEqual({ state: 'invited', role: 'member' });
    await t.app.notifications.idle();
    expect(await notificationsOf(invitee.id)).toContainEqual({ kind: 'invitation', actor_id: organizer.id, group_id: group.id });
    expectError(await post(`${group.url}/invitations`, organizer, { handle: invitee.handle }), 409, 'already_invited');
    expectError(await post(`${group.url}/invitations`, organizer, { handle: 'nobody_at_all' }), 404, 'not_found');
    expect((await post(`${group.url}/invitation/accept`, invitee)).json()).toEqual({ state: 'active', role: 'member' });
    expectError(await post(`${group.url}/invitation/accept`, invitee), 409, 'already_member');
    expectError(await post(`${group.url}/invitations`, organizer, { handle: invitee.handle }), 409, 'already_member');
    expect((await snapshot(group.id)).memberCount).toBe(2);
  });

  it('by e-mail: a bilingual mail with a single-use link, stored hashed, that works after sign-up', async () => {
    const organizer = await createMember(t);
    const group = await newGroup(organizer, 'secret');
    const address = `nouvelle.${Math.random().toString(36).slice(2, 8)}@example.net`;
    expect((await post(`${group.url}/invitations`, organizer, { email: address.toUpperCase() })).json()).toEqual({ ok: true });
    await t.app.mailer.idle();
    const mail = await t.db.db.selectFrom('outbox').select(['subject', 'text_body', 'html_body']).where('to_address', '=', address).executeTakeFirstOrThrow();
    const token = /\/invitations\/([a-z0-9]+)/.exec(mail.text_body)?.[1];
    expect(token).toBeDefined();
    expect(mail.text_body).toContain(`${t.config.publicUrl.origin}/invitations/${token}`);
    expect(mail.text_body).toMatch(/vous invite à rejoindre/);
    expect(mail.text_body).toMatch(/invites you to join/);
    expect(mail.html_body).toContain(`<a href="${t.config.publicUrl.origin}/invitations/${token}">`);
    // Only a hash of the token is kept.
    const stored = await t.db.db.selectFrom('group_invitations').select(['id', 'email']).where('group_id', '=', group.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).not.toContain(token!);
    expect(stored[0]!.email).toBe(address);

    // Whoever holds the link sees what it is, even of a secret group, even signed out.
    const info = await t.request({ url: `/api/v1/invitations/${token}` });
    expect(info.json()).toMatchObject({ group: { slug: group.slug, visibility: 'secret' }, invitedBy: expect.any(String), expiresAt: expect.any(String) });
    expect(new Date(info.json().expiresAt).getTime() - Date.now()).toBeGreaterThan(13 * 24 * 3600 * 1000);

    // The link survives sign-up: an account made afterwards (with another address, even) accepts it.
    const newcomer = await createMember(t);
    expectError(await post(`/api/v1/invitations/${token}/accept`, ''), 401, 'unauthenticated');
    const accepted = await post(`/api/v1/invitations/${token}/accept`, newcomer);
    expect(accepted.json()).toMatchObject({ group: { slug: group.slug }, state: 'active', role: 'member' });
    expect((await snapshot(group.id)).memberCount).toBe(2);
    // Used: nobody else gets in with it.
    const late = await createMember(t);
    expectError(await post(`/api/v1/invitations/${token}/accept`, late), 400, 'invalid_invitation');
    expectError(await t.request({ url: `/api/v1/invitations/${token}` }), 400, 'invalid_invitation');
    expect(await rowOf(group.id, late.id)).toBeNull();
  });

  it('answers alike whether or not the address has an account', async () => {
    const organizer = await createMember(t);
    const group = await newGroup(organizer, 'public');
    const existing = await createMember(t);
    const a = await post(`${group.url}/invitations`, organizer, { email: existing.email });
    const b = await post(`${group.url}/invitations`, organizer, { email: 'personne.inconnue@example.net' });
    expect([a.statusCode, a.body]).toEqual([b.statusCode, b.body]);
    await t.app.mailer.idle();
    expect(await t.db.db.selectFrom('outbox').select('id').where('to_address', 'in', [existing.email, 'personne.inconnue@example.net']).execute()).toHaveLength(2);
  });

  it('refuses an expired, forged, raced or barred link, and a refusal leaves the link unused', async () => {
    const organizer = await createMember(t);
    const group = await newGroup(organizer, 'private');
    const invite = async () => {
      const address = `x${Math.random().toString(36).slice(2, 8)}@example.net`;
      await post(`${group.url}/invitations`, organizer, { email: address });
      await t.app.mailer.idle();
      const mail = await t.db.db.selectFrom('outbox').select('text_body').where('to_address', '=', address).executeTakeFirstOrThrow();
      return /\/invitations\/([a-z0-9]+)/.exec(mail.text_body)![1]!;
    };
    const someone = await createMember(t);

    const expired = await invite();
    await t.db.db.updateTable('group_invitations').set({ expires_at: new Date(Date.now() - 1000) }).where('group_id', '=', group.id).execute();
    expectError(await post(`/api/v1/invitations/${expired}/accept`, someone), 400, 'invalid_invitation');
    expectError(await post(`/api/v1/invitations/${'a'.repeat(32)}/accept`, someone), 400, 'invalid_invitation');
    expect((await post('/api/v1/invitations/NOT-A-TOKEN/accept', someone)).statusCode).toBe(400);

    // Two members race for one link: exactly one gets in.
    const raced = await invite();
    const [x, y] = await newMembers('x', 'y');
    const results = await Promise.all([post(`/api/v1/invitations/${raced}/accept`, x), post(`/api/v1/invitations/${raced}/accept`, y)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400]);
    expect((await snapshot(group.id)).memberCount).toBe(2);

    // Unconfirmed, banned, already in: refused, and the link still works for the right person.
    const kept = await invite();
    const unverified = await createMember(t, { verified: false });
    expectError(await post(`/api/v1/invitations/${kept}/accept`, await sessionFor(t, unverified.id)), 403, 'email_not_verified');
    const banned = await createMember(t);
    await post(`${group.url}/members/${banned.handle}/ban`, organizer);
    expectError(await post(`/api/v1/invitations/${kept}/accept`, banned), 403, 'banned');
    expectError(await post(`/api/v1/invitations/${kept}/accept`, organizer), 409, 'already_member');
    const before = await snapshot(group.id);
    const pendingAsker = await createMember(t);
    await post(`${group.url}/join`, pendingAsker);
    expect((await post(`/api/v1/invitations/${kept}/accept`, pendingAsker)).json()).toMatchObject({ state: 'active' });
    expect((await snapshot(group.id)).memberCount).toBe(before.memberCount + 1);
  });
});
