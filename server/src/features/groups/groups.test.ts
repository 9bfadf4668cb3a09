import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, sessionFor, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
let owner: Awaited<ReturnType<typeof createMember>>;
let member: Awaited<ReturnType<typeof createMember>>;
beforeAll(async () => {
  t = await createTestApp();
  [owner, member] = await Promise.all([createMember(t, { role: 'owner' }), createMember(t)]);
});
afterAll(() => t.close());

const create = (as: string, payload: Record<string, unknown>) => t.request({ method: 'POST', url: '/api/v1/groups', as, payload });
const countGroups = async () => Number((await t.db.db.selectFrom('groups').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
const countMemberships = async () => Number((await t.db.db.selectFrom('group_members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
let unique = 0;
const tag = () => `t${++unique}${Math.random().toString(36).slice(2, 6)}`;

describe('creating a group', () => {
  it('makes the creator its first organizer, counts them, and derives the address from the name', async () => {
    const response = await create(member.token, { name: 'Comité Île-de-France — Œuvres & Solidarité', visibility: 'public', description: 'On se retrouve **jeudi**.<script>alert(1)</script>' });
    expect(response.statusCode, response.body).toBe(201);
    const group = response.json();
    expect(group).toMatchObject({
      slug: 'comite-ile-de-france-oeuvres-solidarite', visibility: 'public', memberCount: 1, territory: null, excerpt: 'On se retrouve jeudi.',
      viewer: { state: 'active', role: 'organizer', canReadContent: true, canPost: true, canModerate: true, canManage: true, joinMode: null },
    });
    expect(group.descriptionHtml).toBe('<p>On se retrouve <strong>jeudi</strong>.</p>');
    const row = await t.db.db.selectFrom('group_members').selectAll().where('group_id', '=', group.id).execute();
    expect(row).toMatchObject([{ member_id: member.id, state: 'active', role: 'organizer' }]);
  });

  it('gives a second group of the same name its address with a random suffix, and refuses a chosen address that is taken', async () => {
    const name = `Lyon ${tag()}`;
    const first = (await create(member.token, { name, visibility: 'public' })).json();
    const second = (await create(member.token, { name, visibility: 'private' })).json();
    expect(second.slug).toMatch(new RegExp(`^${first.slug}-[a-z2-9]{4}$`));
    const before = [await countGroups(), await countMemberships()];
    const taken = await create(member.token, { name: 'Autre nom', slug: first.slug, visibility: 'public' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ error: 'slug_taken', fields: { slug: { code: 'slug_taken' } } });
    expect((await create(member.token, { name: 'Nouveau', slug: 'new', visibility: 'public' })).json().error).toBe('slug_taken');
    expect([await countGroups(), await countMemberships()]).toEqual(before);
  });

  it('a secret group does not leak through slugs: its address is random, and the same name stays free for others', async () => {
    const name = `Cellule ${tag()}`;
    const secret = await create(member.token, { name, visibility: 'secret' });
    expect(secret.statusCode, secret.body).toBe(201);
    expect(secret.json().slug).toMatch(/^groupe-[a-z2-9]{12}$/);
    // Someone who may not see it gets exactly what they would get on a network without it.
    const outsider = await createMember(t);
    const same = (await create(outsider.token, { name, visibility: 'public' })).json();
    expect(same.slug).toBe(name.toLowerCase().replace(' ', '-'));
    const chosen = await create(outsider.token, { name: 'Autre', slug: `${same.slug}-bis`, visibility: 'private' });
    expect(chosen.statusCode, chosen.body).toBe(201);
    // A chosen address would be guessable: refused for a secret group, with what to do.
    const named = await create(member.token, { name: 'Cachée', slug: `cachee-${tag()}`, visibility: 'secret' });
    expect(named.statusCode).toBe(400);
    expect(named.json()).toMatchObject({ fields: { slug: { code: 'secret_slug' } } });
  });

  it('a group made secret takes a random address, so its old name-derived one leaks nothing', async () => {
    const group = (await create(member.token, { name: `Réseau ${tag()}`, visibility: 'private' })).json();
    const patched = await t.request({ method: 'PATCH', url: `/api/v1/groups/${group.slug}`, as: member.token, payload: { visibility: 'secret' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().slug).toMatch(/^groupe-[a-z2-9]{12}$/);
    const outsider = await createMember(t);
    expect((await create(outsider.token, { name: 'Autre', slug: group.slug, visibility: 'public' })).statusCode).toBe(201);
  });

  it('finds the group by its address whatever the case', async () => {
    const slug = `casse-${tag()}`;
    expect((await create(member.token, { name: 'Casse', slug, visibility: 'public' })).statusCode).toBe(201);
    expect((await t.request({ url: `/api/v1/groups/${slug.toUpperCase()}`, as: member.token })).json().slug).toBe(slug);
  });

  it('stores a territory from the official list with its department and region', async () => {
    const group = (await create(member.token, { name: `Villeurbanne ${tag()}`, visibility: 'public', territory: { kind: 'commune', code: '69266' } })).json();
    expect(group.territory).toEqual({ kind: 'commune', code: '69266', name: 'Villeurbanne', departmentCode: '69' });
    const row = await t.db.db.selectFrom('groups').select(['territory_kind', 'territory_code', 'territory_name', 'department_code', 'region_code']).where('id', '=', group.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ territory_kind: 'commune', territory_code: '69266', territory_name: 'Villeurbanne', department_code: '69', region_code: '84' });
    const corsica = (await create(member.token, { name: `Corse ${tag()}`, visibility: 'public', territory: { kind: 'department', code: '2A' } })).json();
    expect(corsica.territory).toEqual({ kind: 'department', code: '2A', name: 'Corse-du-Sud' });
  });

  it('refuses bad input with a 400 on the field, and creates nothing', async () => {
    const before = [await countGroups(), await countMemberships()];
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: 'Quelque part', visibility: 'public', territory: { kind: 'commune', code: '99999' } }, 'territory', 'unknown_territory'],
      [{ name: 'Quelque part', visibility: 'public', territory: { kind: 'region', code: '69' } }, 'territory', 'unknown_territory'],
      [{ name: 'Quelque part', visibility: 'public', territory: { kind: 'canton', code: '69' } }, 'territory.kind', 'invalid_choice'],
      [{ name: '   a   ', visibility: 'public' }, 'name', 'too_short'],
      [{ name: 'ab', visibility: 'public' }, 'name', 'too_short'],
      [{ name: 'x'.repeat(81), visibility: 'public' }, 'name', 'too_long'],
      [{ name: 'Quelque part', visibility: 'hidden' }, 'visibility', 'invalid_choice'],
      [{ name: 'Quelque part' }, 'visibility', 'required'],
      [{ name: 'Quelque part', visibility: 'public', slug: 'Pas Bon' }, 'slug', 'invalid_format'],
      [{ name: 'Quelque part', visibility: 'public', color: 'red' }, 'color', 'unknown_field'],
      [{ name: 'Quelque part', visibility: 'public', description: 'x'.repeat(5001) }, 'description', 'too_long'],
    ];
    for (const [payload, field, code] of cases) {
      const response = await create(member.token, payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().fields?.[field]?.code, `${JSON.stringify(payload)} → ${response.body}`).toBe(code);
    }
    expect([await countGroups(), await countMemberships()]).toEqual(before);
  });

  it('is for signed-in members with a confirmed address', async () => {
    expect((await create('', { name: 'Visiteur', visibility: 'public' })).statusCode).toBe(401);
    const unverified = await createMember(t, { verified: false });
    const response = await create(await sessionFor(t, unverified.id), { name: 'Non vérifié', visibility: 'public' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('email_not_verified');
  });

  it('follows the network setting: admins only, when the network team says so', async () => {
    const network = async () => (await t.request({ url: '/api/v1/network' })).json();
    expect((await network()).groupCreation).toBe('members');
    // Only the network team changes it.
    const refused = await t.request({ method: 'PATCH', url: '/api/v1/admin/network', as: member.token, payload: { groupCreation: 'admins' } });
    expect(refused.statusCode).toBe(403);
    const bad = await t.request({ method: 'PATCH', url: '/api/v1/admin/network', as: owner.token, payload: { groupCreation: 'everyone' } });
    expect(bad.json().fields?.groupCreation?.code).toBe('invalid_choice');
    const changed = await t.request({ method: 'PATCH', url: '/api/v1/admin/network', as: owner.token, payload: { groupCreation: 'admins' } });
    expect(changed.json().groupCreation).toBe('admins');
    expect((await network()).groupCreation).toBe('admins');
    try {
      const before = await countGroups();
      const response = await create(member.token, { name: 'Interdit', visibility: 'public' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toBe('group_creation_restricted');
      expect(await countGroups()).toBe(before);
      expect((await create(owner.token, { name: `Équipe ${tag()}`, visibility: 'public' })).statusCode).toBe(201);
    } finally {
      await t.request({ method: 'PATCH', url: '/api/v1/admin/network', as: owner.token, payload: { groupCreation: 'members' } });
    }
  });
});

describe('a group page and its settings', () => {
  it('tells each viewer what they may do there', async () => {
    const [pub, priv] = await Promise.all([
      create(member.token, { name: `Public ${tag()}`, visibility: 'public' }).then((r) => r.json()),
      create(member.token, { name: `Privé ${tag()}`, visibility: 'private', description: 'Réservé aux membres' }).then((r) => r.json()),
    ]);
    const other = await createMember(t);
    const view = async (slug: string, as: string) => (await t.request({ url: `/api/v1/groups/${slug}`, as })).json();
    expect((await view(pub.slug, other.token)).viewer).toEqual({ state: null, role: null, canReadContent: true, canPost: false, canModerate: false, canManage: false, joinMode: 'join' });
    expect((await view(priv.slug, other.token)).viewer).toMatchObject({ canReadContent: false, joinMode: 'request' });
    // A visitor sees that a private group exists and what it is about, nothing more.
    const visitor = await view(priv.slug, '');
    expect(visitor).toMatchObject({ name: priv.name, descriptionHtml: '<p>Réservé aux membres</p>', viewer: { canReadContent: false, joinMode: null } });
    expect((await view(priv.slug, owner.token)).viewer).toMatchObject({ state: null, canReadContent: true, canModerate: true, canManage: true });
  });

  it('answers an unknown group with a 404 and a malformed address with a 400', async () => {
    const unknown = await t.request({ url: '/api/v1/groups/nowhere-at-all', as: member.token });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('not_found');
    expect((await t.request({ url: `/api/v1/groups/${'x'.repeat(61)}`, as: member.token })).statusCode).toBe(400);
  });

  it('lets organizers edit the name, description, visibility and place, and clear the place', async () => {
    const group = (await create(member.token, { name: `Édition ${tag()}`, visibility: 'public', territory: { kind: 'region', code: '84' } })).json();
    let url = `/api/v1/groups/${group.slug}`;
    const settings = await t.request({ url: `${url}/settings`, as: member.token });
    expect(settings.json()).toEqual({ name: group.name, slug: group.slug, description: '', visibility: 'public', territory: { kind: 'region', code: '84', name: 'Auvergne-Rhône-Alpes' } });
    const patched = await t.request({ method: 'PATCH', url, as: member.token, payload: { name: '  Nouveau nom  ', description: '*Nouvelle* description', visibility: 'secret', territory: { kind: 'department', code: '69' } } });
    expect(patched.json()).toEqual({ name: 'Nouveau nom', slug: expect.stringMatching(/^groupe-/), description: '*Nouvelle* description', visibility: 'secret', territory: { kind: 'department', code: '69', name: 'Rhône' } });
    url = `/api/v1/groups/${patched.json().slug}`;
    const row = await t.db.db.selectFrom('groups').select(['description_html', 'department_code', 'region_code']).where('id', '=', group.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ description_html: '<p><em>Nouvelle</em> description</p>', department_code: '69', region_code: '84' });
    const cleared = await t.request({ method: 'PATCH', url, as: member.token, payload: { territory: null } });
    expect(cleared.json().territory).toBeNull();
    for (const [payload, field, code] of [
      [{ territory: { kind: 'department', code: '00' } }, 'territory', 'unknown_territory'],
      [{ name: '  ' }, 'name', 'too_short'],
      [{ slug: 'autre' }, 'slug', 'unknown_field'],
      [{ visibility: 42 }, 'visibility', 'invalid_choice'],
    ] as const) {
      const response = await t.request({ method: 'PATCH', url, as: member.token, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().fields?.[field]?.code, response.body).toBe(code);
    }
    expect((await t.request({ url: `${url}/settings`, as: member.token })).json()).toMatchObject({ name: 'Nouveau nom', visibility: 'secret', territory: null });
  });
});

describe('the directory', () => {
  it('searches by part of the name, whatever the case', async () => {
    const word = tag();
    await create(member.token, { name: `Quartier ${word} Nord`, visibility: 'public' });
    await create(member.token, { name: `Autre ${word.toUpperCase()}`, visibility: 'private' });
    await create(member.token, { name: 'Sans rapport', visibility: 'public' });
    const names = (await t.request({ url: `/api/v1/groups?q=${word}` })).json().groups.map((g: { name: string }) => g.name);
    expect(names.sort()).toEqual([`Autre ${word.toUpperCase()}`, `Quartier ${word} Nord`]);
    // LIKE wildcards are the member's characters, not patterns.
    expect((await t.request({ url: '/api/v1/groups?q=%25%25%25' })).json().groups).toEqual([]);
  });

  it('filters by place: a commune, a department with its communes, a region with everything in it', async () => {
    const word = tag();
    const make = async (label: string, territory: Record<string, string>) => (await create(member.token, { name: `${word} ${label}`, visibility: 'public', territory })).json().slug as string;
    const lyon = await make('Lyon', { kind: 'commune', code: '69123' });
    const villeurbanne = await make('Villeurbanne', { kind: 'commune', code: '69266' });
    const rhone = await make('Rhône', { kind: 'department', code: '69' });
    const ara = await make('AURA', { kind: 'region', code: '84' });
    const stEtienne = await make('Saint-Étienne', { kind: 'commune', code: '42218' });
    const aude = await make('Aude', { kind: 'department', code: '11' });
    const idf = await make('IDF', { kind: 'region', code: '11' });
    const list = async (query: string) => {
      const response = await t.request({ url: `/api/v1/groups?q=${word}&${query}` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json();
    };
    const slugs = async (query: string) => (await list(query)).groups.map((g: { slug: string }) => g.slug).sort();
    expect(await slugs('territory=69123')).toEqual([lyon]);
    expect(await slugs('territory=69')).toEqual([lyon, rhone, villeurbanne].sort());
    expect(await slugs('territory=84&territoryKind=region')).toEqual([ara, lyon, rhone, stEtienne, villeurbanne].sort());
    // 11 is both Aude and Île-de-France: a department unless told otherwise.
    expect(await slugs('territory=11')).toEqual([aude]);
    expect(await slugs('territory=11&territoryKind=region')).toEqual([idf]);
    // Near Lyon: its commune, its department (other communes too) and its region's own groups; not Saint-Étienne (Loire).
    const near = await list('near=69001');
    expect(near.near).toMatchObject({ kind: 'commune', code: '69123', name: 'Lyon' });
    expect(near.groups.map((g: { slug: string }) => g.slug).sort()).toEqual([ara, lyon, rhone, villeurbanne].sort());
    expect((await list('near=Saint-%C3%89tienne')).groups.map((g: { slug: string }) => g.slug).sort()).toEqual([ara, stEtienne].sort());
    expect((await list('near=saint%20etienne')).near).toMatchObject({ code: '42218' });
    expect(await list('near=Nullepart')).toEqual({ groups: [], near: null, nextCursor: null });
    const bad: Array<[string, string, string]> = [['territory=99999', 'territory', 'unknown_territory'], ['territory=zz', 'territory', 'invalid_format'], ['territory=69&territoryKind=canton', 'territoryKind', 'invalid_choice']];
    for (const [query, field, code] of bad) {
      const response = await t.request({ url: `/api/v1/groups?${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().fields?.[field]?.code, response.body).toBe(code);
    }
  });

  it('puts the most active first, pages by cursor without loss, and refuses a forged cursor', async () => {
    const word = tag();
    for (let i = 0; i < 7; i++) await create(member.token, { name: `${word} ${i}`, visibility: i % 2 ? 'public' : 'private' });
    // Joining makes a group active again: it moves to the top.
    const joined = await t.request({ method: 'POST', url: `/api/v1/groups/${word}-1/join`, as: owner.token });
    expect(joined.statusCode, joined.body).toBe(200);
    const all = (await t.request({ url: `/api/v1/groups?q=${word}&limit=100` })).json();
    expect(all.groups).toHaveLength(7);
    expect(all.groups[0].slug).toBe(`${word}-1`);
    expect(all.groups.map((g: { name: string }) => g.name).slice(1)).toEqual([6, 5, 4, 3, 2, 0].map((i) => `${word} ${i}`));
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { groups: Array<{ slug: string }>; nextCursor: string | null } = (await t.request({ url: `/api/v1/groups?q=${word}&limit=2${cursor ? `&cursor=${cursor}` : ''}` })).json();
      expect(page.groups.length).toBeLessThanOrEqual(2);
      paged.push(...page.groups.map((g) => g.slug));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.groups.map((g: { slug: string }) => g.slug));
    for (const forged of ['nonsense', Buffer.from('["yesterday","01a20883-3b54-783c-97e3-5cceb8a38772"]').toString('base64url')]) {
      const response = await t.request({ url: `/api/v1/groups?cursor=${forged}` });
      expect(response.statusCode).toBe(400);
      expect(response.json().error).toBe('invalid_cursor');
    }
  });
});

describe('the roster', () => {
  it('shows a visitor only the members of a public group who opened their profile; pages without loss', async () => {
    const group = (await create(member.token, { name: `Annuaire ${tag()}`, visibility: 'public' })).json();
    const joiners = await Promise.all(Array.from({ length: 4 }, (_, i) => createMember(t, { profileVisibility: i % 2 ? 'public' : 'members' })));
    for (const joiner of joiners) expect((await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/join`, as: joiner.token })).statusCode).toBe(200);
    const url = `/api/v1/groups/${group.slug}/members`;
    const asMember = (await t.request({ url: `${url}?limit=100`, as: owner.token })).json().members.map((m: { handle: string }) => m.handle);
    expect(asMember).toEqual([member.handle, ...joiners.map((j) => j.handle)]);
    const asVisitor = (await t.request({ url })).json().members.map((m: { handle: string }) => m.handle);
    expect(asVisitor).toEqual([joiners[1]!.handle, joiners[3]!.handle]);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { members: Array<{ handle: string }>; nextCursor: string | null } = (await t.request({ url: `${url}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, as: owner.token })).json();
      paged.push(...page.members.map((m) => m.handle));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(asMember);
    expect((await t.request({ url: `${url}?state=everyone`, as: owner.token })).json().fields?.state?.code).toBe('invalid_choice');
  });
});

describe('territories', () => {
  it('suggests communes, departments and regions, best first', async () => {
    const search = async (q: string) => {
      const response = await t.request({ url: `/api/v1/territories?q=${encodeURIComponent(q)}` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json().territories as Array<{ kind: string; code: string; name: string; postalCodes?: string[] }>;
    };
    expect((await search('lyon'))[0]).toEqual({ kind: 'commune', code: '69123', name: 'Lyon', departmentCode: '69', postalCodes: ['69001', '69002', '69003', '69004', '69005', '69006', '69007', '69008', '69009'] });
    expect((await search('69003'))[0]).toMatchObject({ code: '69123' });
    expect((await search('Rhone')).slice(0, 2).map((p) => `${p.kind}:${p.code}`)).toEqual(['department:69', 'region:84']);
    expect((await search('st etienne'))[0]).toMatchObject({ code: '42218', name: 'Saint-Étienne' });
    expect((await search('ILE-DE-FRANCE'))[0]).toMatchObject({ kind: 'region', code: '11' });
    expect(await search('01400')).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'Châtillon-sur-Chalaronne' })]));
    expect(await search('zzzzzz')).toEqual([]);
    expect((await search('sa')).length).toBe(20);
    expect((await t.request({ url: '/api/v1/territories?q=sa&limit=3' })).json().territories).toHaveLength(3);
    for (const query of ['', '?q=', '?q=lyon&limit=21', `?q=${'x'.repeat(101)}`]) {
      expect((await t.request({ url: `/api/v1/territories${query}` })).statusCode, query).toBe(400);
    }
  });
});
