import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupVisibility } from '@caucus/shared/constants.ts';
import { createGroupWithRoles, createSharedViewers, GROUP_VIEWERS, type GroupViewer, type GroupWithRoles, type RoleMember } from '../../testing/group-roles.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';

// The authorization matrix: ten viewers against public, private and secret groups, for every group
// route. Each table lists the expected status per viewer, in GROUP_VIEWERS order:
//   visitor nonMember pending invited member groupModerator organizer networkModerator admin banned

let t: TestApp;
let shared: Awaited<ReturnType<typeof createSharedViewers>>;
let targets: RoleMember[];
const VISIBILITIES: GroupVisibility[] = ['public', 'private', 'secret'];

beforeAll(async () => {
  t = await createTestApp();
  shared = await createSharedViewers(t);
  targets = await Promise.all([createMember(t), createMember(t)]);
});
afterAll(() => t.close());

type Table = Record<GroupVisibility, string>;
const expected = (table: Table, visibility: GroupVisibility): Record<GroupViewer, number> => {
  const codes = table[visibility].trim().split(/\s+/).map(Number);
  expect(codes).toHaveLength(GROUP_VIEWERS.length);
  return Object.fromEntries(GROUP_VIEWERS.map((viewer, i) => [viewer, codes[i]])) as Record<GroupViewer, number>;
};

const request = (as: RoleMember, options: InjectOptions) => t.request({ ...options, as: as.token || null });

async function rowOf(groupId: string, memberId: string) {
  const row = await t.db.db.selectFrom('group_members').select(['state', 'role']).where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst();
  return row ?? null;
}
async function memberCount(groupId: string): Promise<number> {
  return (await t.db.db.selectFrom('groups').select('member_count').where('id', '=', groupId).executeTakeFirstOrThrow()).member_count;
}
async function activeRows(groupId: string): Promise<number> {
  const row = await t.db.db.selectFrom('group_members').select((eb) => eb.fn.countAll<number>().as('n')).where('group_id', '=', groupId).where('state', '=', 'active').executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Checks each viewer's status for one request; `after` runs after each response (e.g. the state it left). */
async function checkMatrix(g: GroupWithRoles, table: Table, options: (viewer: GroupViewer) => InjectOptions, after?: (viewer: GroupViewer, status: number) => Promise<void>) {
  const want = expected(table, g.group.visibility);
  for (const viewer of GROUP_VIEWERS) {
    const response = await request(g.viewers[viewer], options(viewer));
    expect(response.statusCode, `${g.group.visibility} / ${viewer}: ${response.body}`).toBe(want[viewer]);
    if (response.statusCode >= 400) expect(response.json()).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    if (response.statusCode === 404) expect(response.body, 'a 404 names nothing').not.toContain(g.group.name);
    await after?.(viewer, response.statusCode);
  }
  // Whatever was refused changed nothing: the count is the number of active rows.
  expect(await memberCount(g.group.id)).toBe(await activeRows(g.group.id));
}

describe.each(VISIBILITIES)('reading a %s group', (visibility) => {
  let g: GroupWithRoles;
  beforeAll(async () => {
    g = await createGroupWithRoles(t, visibility, { shared });
  });

  it('GET /groups/:slug', () => checkMatrix(g, {
    public: '200 200 200 200 200 200 200 200 200 200',
    private: '200 200 200 200 200 200 200 200 200 200',
    secret: '404 404 404 200 200 200 200 404 200 404',
  }, () => ({ url: `/api/v1/groups/${g.group.slug}` })));

  it('GET /groups/:slug/members (the active roster)', () => checkMatrix(g, {
    public: '200 200 200 200 200 200 200 200 200 200',
    private: '401 403 403 403 200 200 200 200 200 403',
    secret: '404 404 404 403 200 200 200 404 200 404',
  }, () => ({ url: `/api/v1/groups/${g.group.slug}/members` })));

  for (const state of ['pending', 'invited', 'banned']) {
    it(`GET /groups/:slug/members?state=${state}`, () => checkMatrix(g, {
      public: '401 403 403 403 403 200 200 403 200 403',
      private: '401 403 403 403 403 200 200 403 200 403',
      secret: '404 404 404 403 403 200 200 404 200 404',
    }, () => ({ url: `/api/v1/groups/${g.group.slug}/members?state=${state}` })));
  }

  it('GET /groups/:slug/settings', () => checkMatrix(g, {
    public: '401 403 403 403 403 403 200 403 200 403',
    private: '401 403 403 403 403 403 200 403 200 403',
    secret: '404 404 404 403 403 403 200 404 200 404',
  }, () => ({ url: `/api/v1/groups/${g.group.slug}/settings` })));

  it('PATCH /groups/:slug', () => checkMatrix(g, {
    public: '401 403 403 403 403 403 200 403 200 403',
    private: '401 403 403 403 403 403 200 403 200 403',
    secret: '401 404 404 403 403 403 200 404 200 404',
  }, (viewer) => ({ method: 'PATCH', url: `/api/v1/groups/${g.group.slug}`, payload: { description: `Edited by ${viewer}` } })));

  it('the directory lists a secret group only to its members, invitees and admins', async () => {
    const listedFor = visibility === 'secret'
      ? ['invited', 'member', 'groupModerator', 'organizer', 'admin']
      : [...GROUP_VIEWERS];
    for (const viewer of GROUP_VIEWERS) {
      const response = await request(g.viewers[viewer], { url: `/api/v1/groups?q=${encodeURIComponent(g.group.name)}` });
      expect(response.statusCode).toBe(200);
      const slugs = (response.json().groups as Array<{ slug: string }>).map((group) => group.slug);
      expect(slugs.includes(g.group.slug), `${visibility} / ${viewer}`).toBe(listedFor.includes(viewer));
    }
  });

  it('GET /me/groups lists the groups a member is in, asked to join or is invited to', async () => {
    const inList: GroupViewer[] = visibility === 'secret' ? ['invited', 'member', 'groupModerator', 'organizer'] : ['pending', 'invited', 'member', 'groupModerator', 'organizer'];
    for (const viewer of GROUP_VIEWERS) {
      const response = await request(g.viewers[viewer], { url: '/api/v1/me/groups' });
      if (viewer === 'visitor') {
        expect(response.statusCode).toBe(401);
        continue;
      }
      const mine = (response.json().groups as Array<{ group: { slug: string }; state: string }>).find((entry) => entry.group.slug === g.group.slug);
      expect(Boolean(mine), `${visibility} / ${viewer}`).toBe(inList.includes(viewer));
    }
  });

  it('GET /profiles/:handle/groups shows a group only if it is public, to whoever sees the profile', async () => {
    const response = await request(shared.nonMember, { url: `/api/v1/profiles/${g.viewers.member.handle}/groups` });
    expect(response.statusCode).toBe(200);
    expect((response.json().groups as Array<{ slug: string }>).some((group) => group.slug === g.group.slug)).toBe(visibility === 'public');
    // Profiles are for members unless opened: a visitor gets the same 404 as for an unknown handle.
    expect((await request(g.viewers.visitor, { url: `/api/v1/profiles/${g.viewers.member.handle}/groups` })).statusCode).toBe(404);
    expect((await request(shared.nonMember, { url: '/api/v1/profiles/nobody_here/groups' })).statusCode).toBe(404);
  });
});

describe.each(VISIBILITIES)('joining and leaving a %s group', (visibility) => {
  it('POST /groups/:slug/join', async () => {
    const g = await createGroupWithRoles(t, visibility, { shared });
    const before = Object.fromEntries(await Promise.all(GROUP_VIEWERS.map(async (v) => [v, g.viewers[v].id ? await rowOf(g.group.id, g.viewers[v].id) : null])));
    await checkMatrix(g, {
      public: '401 200 409 200 409 409 409 200 200 403',
      private: '401 200 409 200 409 409 409 200 200 403',
      secret: '401 404 404 403 409 409 409 404 403 404',
    }, () => ({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/join` }), async (viewer, status) => {
      if (viewer === 'visitor') return;
      const row = await rowOf(g.group.id, g.viewers[viewer].id);
      if (status !== 200) expect(row, `${viewer}: unchanged`).toEqual(before[viewer]);
      else expect(row?.state, viewer).toBe(visibility === 'private' && viewer !== 'invited' ? 'pending' : 'active');
    });
  });

  it('POST /groups/:slug/leave', async () => {
    const g = await createGroupWithRoles(t, visibility, { shared });
    await checkMatrix(g, {
      public: '401 409 200 200 200 200 409 409 409 409',
      private: '401 409 200 200 200 200 409 409 409 409',
      secret: '401 404 404 200 200 200 409 404 409 404',
    }, () => ({ method: 'POST', url: `/api/v1/groups/${g.group.slug}/leave` }), async (viewer, status) => {
      if (viewer === 'visitor') return;
      const row = await rowOf(g.group.id, g.viewers[viewer].id);
      if (status === 200) expect(row, viewer).toBeNull();
      if (viewer === 'organizer') expect(row).toEqual({ state: 'active', role: 'organizer' });
      if (viewer === 'banned') expect(row?.state).toBe('banned');
    });
  });
});

describe.each(VISIBILITIES)('moderating a %s group', (visibility) => {
  let g: GroupWithRoles;
  beforeAll(async () => {
    g = await createGroupWithRoles(t, visibility, { shared });
  });
  const base = () => `/api/v1/groups/${g.group.slug}`;
  const asOrganizer = (options: InjectOptions) => request(g.viewers.organizer, options);

  /** Puts a target in a state through the API, from no row. */
  async function prepare(target: RoleMember, state: 'none' | 'pending' | 'active' | 'banned') {
    if (state === 'pending') {
      // Only a private group takes requests: open the door for a moment.
      if (visibility !== 'private') await asOrganizer({ method: 'PATCH', url: base(), payload: { visibility: 'private' } });
      expect((await request(target, { method: 'POST', url: `${base()}/join` })).statusCode).toBe(200);
      // Made secret again, it takes a new random address.
      if (visibility !== 'private') g.group.slug = (await asOrganizer({ method: 'PATCH', url: base(), payload: { visibility } })).json().slug;
    } else if (state === 'active') {
      expect((await asOrganizer({ method: 'POST', url: `${base()}/invitations`, payload: { handle: target.handle } })).statusCode).toBe(200);
      expect((await request(target, { method: 'POST', url: `${base()}/invitation/accept` })).statusCode).toBe(200);
    } else if (state === 'banned') {
      expect((await asOrganizer({ method: 'POST', url: `${base()}/members/${target.handle}/ban` })).statusCode).toBe(200);
    }
  }
  /** Back to no row, through the API. */
  async function reset(target: RoleMember) {
    const row = await rowOf(g.group.id, target.id);
    if (!row) return;
    const url = row.state === 'banned' ? `${base()}/members/${target.handle}/ban` : `${base()}/members/${target.handle}`;
    expect((await asOrganizer({ method: 'DELETE', url })).statusCode).toBe(200);
    expect(await rowOf(g.group.id, target.id)).toBeNull();
  }

  const MODERATORS: Table = {
    public: '401 403 403 403 403 200 200 403 200 403',
    private: '401 403 403 403 403 200 200 403 200 403',
    secret: '401 404 404 403 403 200 200 404 200 404',
  };
  const ORGANIZERS: Table = {
    public: '401 403 403 403 403 403 200 403 200 403',
    private: '401 403 403 403 403 403 200 403 200 403',
    secret: '401 404 404 403 403 403 200 404 200 404',
  };

  const cases: Array<{ name: string; table: Table; from: 'none' | 'pending' | 'active' | 'banned'; to: string | null; options: (target: RoleMember) => InjectOptions }> = [
    { name: 'POST /members/:handle/approve', table: MODERATORS, from: 'pending', to: 'active', options: (x) => ({ method: 'POST', url: `${base()}/members/${x.handle}/approve` }) },
    { name: 'POST /members/:handle/refuse', table: MODERATORS, from: 'pending', to: null, options: (x) => ({ method: 'POST', url: `${base()}/members/${x.handle}/refuse` }) },
    { name: 'POST /invitations (by handle)', table: MODERATORS, from: 'none', to: 'invited', options: (x) => ({ method: 'POST', url: `${base()}/invitations`, payload: { handle: x.handle } }) },
    { name: 'PATCH /members/:handle (role)', table: ORGANIZERS, from: 'active', to: 'active', options: (x) => ({ method: 'PATCH', url: `${base()}/members/${x.handle}`, payload: { role: 'moderator' } }) },
    { name: 'DELETE /members/:handle', table: MODERATORS, from: 'active', to: null, options: (x) => ({ method: 'DELETE', url: `${base()}/members/${x.handle}` }) },
    { name: 'POST /members/:handle/ban', table: MODERATORS, from: 'active', to: 'banned', options: (x) => ({ method: 'POST', url: `${base()}/members/${x.handle}/ban` }) },
    { name: 'DELETE /members/:handle/ban', table: MODERATORS, from: 'banned', to: null, options: (x) => ({ method: 'DELETE', url: `${base()}/members/${x.handle}/ban` }) },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const [target] = targets as [RoleMember];
      await prepare(target, c.from);
      const before = await rowOf(g.group.id, target.id);
      await checkMatrix(g, c.table, () => c.options(target), async (viewer, status) => {
        const row = await rowOf(g.group.id, target.id);
        if (status !== 200) {
          expect(row, `${viewer}: refused, unchanged`).toEqual(before);
          return;
        }
        expect(row?.state ?? null, viewer).toBe(c.to);
        // Start again from the same state for the next viewer.
        await reset(target);
        await prepare(target, c.from);
      });
      await reset(target);
    });
  }

  it('POST /invitations (by e-mail)', () => checkMatrix(g, MODERATORS, (viewer) => ({ method: 'POST', url: `${base()}/invitations`, payload: { email: `${viewer}.${visibility}@example.net` } })));

  // Last: it changes the invitee's own state.
  it('POST /groups/:slug/invitation/accept', () => checkMatrix(g, {
    public: '401 409 409 200 409 409 409 409 409 409',
    private: '401 409 409 200 409 409 409 409 409 409',
    secret: '401 404 404 200 409 409 409 404 409 404',
  }, () => ({ method: 'POST', url: `${base()}/invitation/accept` })));
});
