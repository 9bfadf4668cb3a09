import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCalls } from '../../testing/api-calls.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { setMembership, setNetworkRole, type TestMember } from '../../testing/wall-fixtures.ts';

// The campaign team collects the syntheses of every forum by territory and theme, and exports them
// as Markdown or printable HTML; a network moderator never sees a secret group's, a member none.

let t: TestApp;
const { api, ok } = apiCalls(() => t);
let admin: TestMember;
let netModerator: TestMember;
let organizer: TestMember;
let member: TestMember;
const titles = (list: { syntheses: Array<{ thread: { title: string } }> }) => list.syntheses.map((s) => s.thread.title);

async function debate(forum: string, category: string, title: string, synthesis: string): Promise<void> {
  const { id } = await ok<{ id: string }>(api('POST', `${forum}/categories/${category}/threads`, organizer.token, { title, body: 'Ouvrons le débat' }), 201);
  await ok(api('PUT', `/threads/${id}/synthesis`, organizer.token, { body: synthesis, sources: [1] }));
}

beforeAll(async () => {
  t = await createTestApp();
  [admin, netModerator, organizer, member] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t)]);
  await setNetworkRole(t, admin.id, 'admin');
  await setNetworkRole(t, netModerator.id, 'moderator');
  // Lyon (commune, Rhône, Auvergne-Rhône-Alpes), Marseille (Bouches-du-Rhône, PACA), a secret team.
  const groups: Record<string, string> = {};
  for (const [name, visibility, territory] of [
    ['Lyon en commun', 'public', { kind: 'commune', code: '69123' }], ['Marseille nord', 'private', { kind: 'commune', code: '13055' }], ['Équipe secrète', 'secret', null],
  ] as const) {
    const created = await ok<{ slug: string; id: string }>(api('POST', '/groups', organizer.token, { name, visibility, ...(territory && { territory }) }), 201);
    groups[name] = created.slug;
    await ok(api('POST', `/groups/${created.slug}/forum/categories`, organizer.token, { name: 'Logement' }), 201);
  }
  await setNetworkRole(t, organizer.id, 'admin');
  await ok(api('POST', '/forum/categories', organizer.token, { name: 'Programme' }), 201);
  await setNetworkRole(t, organizer.id, 'member');
  const lyon = await t.db.db.selectFrom('groups').select('id').where('slug', '=', groups['Lyon en commun']!).executeTakeFirstOrThrow();
  await setMembership(t, lyon.id, member.id, 'active');
  await debate(`/groups/${groups['Lyon en commun']}/forum`, 'logement', 'Loyers à Lyon', 'Encadrer les loyers. #logement');
  await debate(`/groups/${groups['Marseille nord']}/forum`, 'logement', 'Rénovation à Marseille', 'Rénover les copropriétés. #renovation');
  await debate(`/groups/${groups['Équipe secrète']}/forum`, 'logement', 'Stratégie secrète', 'Ne pas diffuser. #logement');
  await setNetworkRole(t, organizer.id, 'admin');
  await debate('/forum', 'programme', 'Programme national', 'Un plan national pour le logement. #logement');
  await setNetworkRole(t, organizer.id, 'member');
});
afterAll(() => t.close());

describe('the campaign team’s view of syntheses', () => {
  it('collects every forum’s, newest first, each only where the reader may read it', async () => {
    expect(titles(await ok(api('GET', '/syntheses', admin.token)))).toEqual(['Programme national', 'Stratégie secrète', 'Rénovation à Marseille', 'Loyers à Lyon']);
    expect(titles(await ok(api('GET', '/syntheses', netModerator.token)))).toEqual(['Programme national', 'Rénovation à Marseille', 'Loyers à Lyon']);
    expect((await api('GET', '/syntheses', member.token)).statusCode).toBe(403);
    expect((await api('GET', '/syntheses', null)).statusCode).toBe(401);
  });

  it('filters by territory and theme, and pages by keyset', async () => {
    expect(titles(await ok(api('GET', '/syntheses?region=84', admin.token)))).toEqual(['Loyers à Lyon']);
    expect(titles(await ok(api('GET', '/syntheses?department=13', admin.token)))).toEqual(['Rénovation à Marseille']);
    expect(titles(await ok(api('GET', '/syntheses?commune=69123', admin.token)))).toEqual(['Loyers à Lyon']);
    expect(titles(await ok(api('GET', '/syntheses?national=true', admin.token)))).toEqual(['Programme national']);
    // A theme is a hashtag of the synthesis or its category's address: Marseille's is in "Logement".
    expect(titles(await ok(api('GET', '/syntheses?theme=logement', netModerator.token)))).toEqual(['Programme national', 'Rénovation à Marseille', 'Loyers à Lyon']);
    expect(titles(await ok(api('GET', '/syntheses?theme=renovation', admin.token)))).toEqual(['Rénovation à Marseille']);
    const first = await ok<{ syntheses: unknown[]; nextCursor: string }>(api('GET', '/syntheses?limit=2', admin.token));
    const second = await ok<{ syntheses: Array<{ thread: { title: string } }>; nextCursor: string | null }>(api('GET', `/syntheses?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`, admin.token));
    expect(titles(second)).toEqual(['Rénovation à Marseille', 'Loyers à Lyon']);
    expect(second.nextCursor).toBeNull();
    for (const bad of ['region=8', 'department=ABC', 'commune=6912', 'theme=', 'national=peut-etre', 'cursor=nope', 'region=84&extra=1']) {
      expect((await api('GET', `/syntheses?${bad}`, admin.token)).statusCode, bad).toBe(400);
    }
  });

  it('exports them as Markdown and as printable HTML, with links back to each thread', async () => {
    const markdown = await api('GET', '/syntheses/export?format=markdown&region=84', admin.token);
    expect(markdown.statusCode).toBe(200);
    expect(markdown.headers['content-type']).toContain('text/markdown');
    expect(markdown.headers['content-disposition']).toMatch(/^attachment; filename="syntheses-\d{4}-\d{2}-\d{2}\.md"$/);
    expect(markdown.body).toContain('# Synthèses des débats');
    expect(markdown.body).toMatch(/## \[Loyers à Lyon\]\(http:\/\/localhost:3000\/threads\/[0-9a-f-]+\)/);
    expect(markdown.body).toContain('Encadrer les loyers. #logement');
    expect(markdown.body).toContain('région 84');
    expect(markdown.body).not.toContain('Marseille');
    const html = await api('GET', '/syntheses/export?format=html&lang=en', netModerator.token);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toMatch(/^<!doctype html>/);
    expect(html.body).toContain('<html lang="en">');
    expect(html.body).toContain('Debate syntheses');
    expect(html.body).not.toContain('Stratégie secrète');
    expect(html.body).not.toMatch(/<script|src="http/);
    expect((await api('GET', '/syntheses/export?format=pdf', admin.token)).statusCode).toBe(400);
    expect((await api('GET', '/syntheses/export?format=markdown', member.token)).statusCode).toBe(403);
  });
});
