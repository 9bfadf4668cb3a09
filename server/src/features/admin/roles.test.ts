import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkRole } from '@caucus/shared/constants.ts';
import { encodeCursor } from '#core/cursor.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';

type Member = Awaited<ReturnType<typeof createMember>>;
let t: TestApp;
let owner: Member;
let admin: Member;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createMember(t, { role: 'owner' });
  admin = await createMember(t, { role: 'admin' });
});
afterAll(() => t.close());

const setRole = (as: string, memberId: string, role: string) => t.request({ method: 'PUT', url: `/api/v1/admin/members/${memberId}/role`, as, payload: { role } });
const roleOf = async (id: string) => (await t.db.db.selectFrom('members').select('role').where('id', '=', id).executeTakeFirstOrThrow()).role;

async function expectRefused(as: string, target: Member, role: NetworkRole | string, status = 403) {
  const before = await roleOf(target.id);
  const response = await setRole(as, target.id, role);
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().message).toEqual(expect.any(String));
  expect(await roleOf(target.id)).toBe(before);
  return response.json();
}

describe('role changes', () => {
  it('lets the owner make an admin, who then has the powers at once', async () => {
    const member = await createMember(t);
    expect((await t.request({ url: '/api/v1/admin/outbox', as: member.token })).statusCode).toBe(403);
    const response = await setRole(owner.token, member.id, 'admin');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: member.id, role: 'admin', email: member.email });
    expect((await t.request({ url: '/api/v1/admin/outbox', as: member.token })).statusCode).toBe(200);
    expect((await setRole(owner.token, member.id, 'member')).json().role).toBe('member');
    expect((await t.request({ url: '/api/v1/admin/outbox', as: member.token })).statusCode).toBe(403);
  });

  it('lets an admin make and unmake moderators', async () => {
    const member = await createMember(t);
    expect((await setRole(admin.token, member.id, 'moderator')).json().role).toBe('moderator');
    expect((await setRole(admin.token, member.id, 'member')).json().role).toBe('member');
  });

  it('stops an admin making an admin or changing one', async () => {
    const member = await createMember(t);
    const otherAdmin = await createMember(t, { role: 'admin' });
    expect((await expectRefused(admin.token, member, 'admin')).error).toBe('forbidden');
    await expectRefused(admin.token, otherAdmin, 'member');
    await expectRefused(admin.token, otherAdmin, 'moderator');
  });

  it('stops anyone changing the owner, or making an owner', async () => {
    await expectRefused(admin.token, owner, 'member');
    await expectRefused(owner.token, owner, 'admin');
    const member = await createMember(t);
    await expectRefused(owner.token, member, 'owner');
    await expectRefused(admin.token, member, 'owner');
  });

  it('stops anyone changing their own role', async () => {
    await expectRefused(admin.token, admin, 'member');
    const moderator = await createMember(t, { role: 'moderator' });
    await expectRefused(moderator.token, moderator, 'admin');
  });

  it('refuses members and moderators (403) and visitors (401)', async () => {
    const member = await createMember(t);
    const moderator = await createMember(t, { role: 'moderator' });
    const target = await createMember(t);
    await expectRefused(member.token, target, 'moderator');
    await expectRefused(moderator.token, target, 'moderator');
    await expectRefused('', target, 'moderator', 401);
  });

  it('answers 404 for an unknown member, and 400 for an id that is not one', async () => {
    const unknown = await setRole(admin.token, '0190a3b4-0000-7000-8000-000000000000', 'moderator');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('not_found');
    const malformed = await setRole(admin.token, 'not-a-uuid', 'moderator');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().fields.memberId.code).toBe('invalid_format');
  });

  it('refuses a role that does not exist', async () => {
    const member = await createMember(t);
    for (const role of ['superuser', 'OWNER', '', 'admin ']) {
      const body = await expectRefused(owner.token, member, role, 400);
      expect(body.fields.role.code).toBe('invalid_choice');
    }
  });
});

describe('member list', () => {
  it('is for admins only', async () => {
    const member = await createMember(t, { role: 'moderator' });
    expect((await t.request({ url: '/api/v1/admin/members', as: member.token })).statusCode).toBe(403);
    expect((await t.request({ url: '/api/v1/admin/members' })).statusCode).toBe(401);
  });

  it('pages through every member, newest first, as one full read does', async () => {
    await Promise.all(Array.from({ length: 5 }, () => createMember(t)));
    const full = (await t.request({ url: '/api/v1/admin/members?limit=100', as: admin.token })).json();
    const count = Number((await t.db.db.selectFrom('members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(full.members).toHaveLength(count);
    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const page: { members: unknown[]; nextCursor: string | null } = (await t.request({ url: `/api/v1/admin/members?limit=3${cursor ? `&cursor=${cursor}` : ''}`, as: admin.token })).json();
      paged.push(...page.members);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(full.members);
    const times = full.members.map((m: { createdAt: string }) => m.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('refuses a forged cursor with 400 invalid_cursor', async () => {
    for (const cursor of [encodeCursor('not a time', '0190a3b4-0000-7000-8000-000000000000'), encodeCursor('2026-02-30 10:00:00+00', '0190a3b4-0000-7000-8000-000000000000')]) {
      const response = await t.request({ url: `/api/v1/admin/members?cursor=${cursor}`, as: admin.token });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_cursor');
    }
  });
});
