import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewAccount } from '#features/accounts/service.ts';
import { createMember, createTestApp, sessionFor, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
let member: string;
beforeAll(async () => {
  t = await createTestApp();
  member = (await createMember(t)).token;
});
afterAll(() => t.close());

interface Entry { handle: string; displayName: string; commune?: string }
interface Page { members: Entry[]; nextCursor: string | null }

const directory = async (query: string, as = member): Promise<Page> => {
  const response = await t.request({ url: `/api/v1/members${query}`, as });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
};
const handles = (page: Page) => page.members.map((m) => m.handle);
const listed = (overrides: Partial<NewAccount> = {}) => createMember(t, { listedInDirectory: true, ...overrides });
const setLocationVisibility = (token: string, locationVisibility: string) =>
  t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: token, payload: { locationVisibility } });

describe('directory access', () => {
  it('is for members: a visitor gets 401, an unverified account 403', async () => {
    const visitor = await t.request({ url: '/api/v1/members' });
    expect(visitor.statusCode).toBe(401);
    expect(visitor.json().error).toBe('unauthenticated');
    const unverified = await createMember(t, { verified: false });
    const response = await t.request({ url: '/api/v1/members', as: await sessionFor(t, unverified.id) });
    expect(response.statusCode).toBe(403);
    expect(response.json().error).toBe('forbidden');
  });
});

describe('directory contents', () => {
  it('lists only verified members who opted in', async () => {
    const yes = await listed({ displayName: 'Apolline Inscrite' });
    const no = await createMember(t, { displayName: 'Apolline Discrète' });
    const unverified = await createMember(t, { displayName: 'Apolline Inconnue', listedInDirectory: true, verified: false });
    const found = handles(await directory('?q=apolline'));
    expect(found).toEqual([yes.handle]);
    expect(found).not.toContain(no.handle);
    expect(found).not.toContain(unverified.handle);
  });

  it('leaves the directory when a member opts out', async () => {
    const subject = await listed({ displayName: 'Bérénice Partante' });
    expect(handles(await directory('?q=partante'))).toEqual([subject.handle]);
    await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: subject.token, payload: { listedInDirectory: false } });
    expect(handles(await directory('?q=partante'))).toEqual([]);
  });

  it('searches by part of a name or handle, in any case, with % and _ taken literally', async () => {
    const a = await listed({ displayName: 'Gaspard Lenoir', handle: 'gaspard_l' });
    const b = await listed({ displayName: 'Hortense Lenoir' });
    await listed({ displayName: 'Ignace Leblanc' });
    expect(handles(await directory('?q=LENOIR')).sort()).toEqual([a.handle, b.handle].sort());
    expect(handles(await directory('?q=gaspard_l'))).toEqual([a.handle]);
    expect(handles(await directory('?q=%25'))).toEqual([]);
    expect(handles(await directory('?q=e_l'))).toEqual([]); // as a wildcard, "_" would match "Hortense Lenoir"
  });

  it('searches by commune prefix or postal code, and shows the commune to members', async () => {
    const lyon = await listed({ displayName: 'Jules Lyonnais', commune: 'Lyon', postalCode: '69003' });
    const villeurbanne = await listed({ displayName: 'Katia Villeurbannaise', commune: 'Villeurbanne', postalCode: '69100' });
    expect(handles(await directory('?commune=villeur'))).toEqual([villeurbanne.handle]);
    expect(handles(await directory('?commune=69')).sort()).toEqual([lyon.handle, villeurbanne.handle].sort());
    expect(handles(await directory('?commune=69003'))).toEqual([lyon.handle]);
    expect((await directory('?commune=Lyon')).members[0]).toEqual({ handle: lyon.handle, displayName: 'Jules Lyonnais', commune: 'Lyon' });
  });

  it('never matches nor shows a commune set to private', async () => {
    const hidden = await listed({ displayName: 'Léon Caché', commune: 'Vaulx-en-Velin', postalCode: '69120' });
    expect((await setLocationVisibility(hidden.token, 'private')).statusCode).toBe(200);
    expect(handles(await directory('?commune=vaulx'))).toEqual([]);
    expect(handles(await directory('?commune=69120'))).toEqual([]);
    expect(handles(await directory('?q=vaulx'))).toEqual([]);
    const entry = (await directory('?q=caché')).members;
    expect(entry).toEqual([{ handle: hidden.handle, displayName: 'Léon Caché' }]);
    // The member's own view shows it, since it is theirs.
    expect((await directory('?q=caché', hidden.token)).members[0]?.commune).toBe('Vaulx-en-Velin');
  });
});

describe('directory paging', () => {
  it('pages through everything with a small limit exactly as one full read: no duplicate, no gap, same order', async () => {
    // Ties and near-ties in the sort key: same names, case and accent variants.
    const names = ['Marie Curie', 'Marie Curie', 'marie curie', 'MARIE CURIE', 'Alice', 'alice', 'Élodie', 'Eloïse', 'Zoé', 'Zoe', 'Émile', 'Emile', 'Ana', 'Anaïs', 'Ann', "O'Brien", 'Ôscar', 'Yves', 'yves', 'Ève'];
    await Promise.all(names.map((displayName) => listed({ displayName })));

    const full = await directory('?limit=100');
    expect(full.nextCursor).toBeNull();
    expect(full.members.length).toBeGreaterThanOrEqual(names.length);

    for (const limit of [1, 3, 7]) {
      const paged: Entry[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await directory(`?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.members.length).toBeLessThanOrEqual(limit);
        paged.push(...page.members);
        cursor = page.nextCursor;
        pages += 1;
        expect(pages).toBeLessThan(200);
      } while (cursor);
      expect(new Set(handles({ members: paged, nextCursor: null })).size).toBe(paged.length);
      expect(paged).toEqual(full.members);
    }
  });

  it('pages a search the same way', async () => {
    const full = await directory('?q=e&limit=100');
    const paged: Entry[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await directory(`?q=e&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      paged.push(...page.members);
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(full.members);
    expect(paged.length).toBeGreaterThan(4);
  });
});
