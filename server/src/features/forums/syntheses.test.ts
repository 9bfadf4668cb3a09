import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounter } from '../../testing/statement-counter.ts';
import { apiCalls } from '../../testing/api-calls.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership, type TestMember } from '../../testing/wall-fixtures.ts';

// A moderator closes a debate with its synthesis: drawn from posts of the thread (linked), shown
// above it, rewritten as versions that moderators can read back, endorsed by members, and listed
// with the forum's other syntheses, newest first.

let t: TestApp;
let organizer: TestMember;
let moderator: TestMember;
let alice: TestMember;
let bob: TestMember;
let stranger: TestMember;
let group: { id: string; slug: string };
let forum: string;
let thread: string;

const { api, ok } = apiCalls(() => t);
const count = async (table: 'forum_syntheses' | 'forum_synthesis_sources') => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.db.db)).rows[0]!.n;

beforeAll(async () => {
  t = await createTestApp();
  [organizer, moderator, alice, bob, stranger] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t), createMember(t)]);
  group = await insertGroup(t, 'private');
  forum = `/groups/${group.slug}/forum`;
  await setMembership(t, group.id, organizer.id, 'active', 'organizer');
  await setMembership(t, group.id, moderator.id, 'active', 'moderator');
  for (const member of [alice, bob]) await setMembership(t, group.id, member.id, 'active');
  await ok(api('POST', `${forum}/categories`, organizer.token, { name: 'Débats' }), 201);
  thread = (await ok<{ id: string }>(api('POST', `${forum}/categories/debats/threads`, alice.token, { title: 'Cantines bio et locales', body: 'Faut-il 100 % de bio dans les cantines ?' }), 201)).id;
  await ok(api('POST', `/threads/${thread}/posts`, bob.token, { body: 'Oui, mais en commençant par le local.' }), 201);
  await ok(api('POST', `/threads/${thread}/posts`, alice.token, { body: 'Le coût est le vrai sujet : qui paie ?' }), 201);
});
afterAll(() => t.close());

describe('the synthesis of a debate', () => {
  it('is written by a moderator from posts of the thread, and shown above it with its sources', async () => {
    expect((await api('PUT', `/threads/${thread}/synthesis`, alice.token, { body: 'Mon résumé', sources: [] })).statusCode).toBe(403);
    const written = await ok<{ version: number; sources: Array<{ position: number; excerpt: string }>; author: { handle: string }; endorsements: number }>(
      api('PUT', `/threads/${thread}/synthesis`, moderator.token, { body: '**Consensus** : du local d’abord, le bio ensuite ; le financement reste ouvert.', sources: [3, 2] }));
    expect(written).toMatchObject({ version: 1, author: { handle: moderator.handle }, endorsements: 0 });
    expect(written.sources.map((s) => [s.position, s.excerpt])).toEqual([[2, 'Oui, mais en commençant par le local.'], [3, 'Le coût est le vrai sujet : qui paie ?']]);
    const page = await ok<{ synthesis: { bodyHtml: string; version: number } }>(api('GET', `/threads/${thread}`, bob.token));
    expect(page.synthesis).toMatchObject({ version: 1, bodyHtml: expect.stringContaining('<strong>Consensus</strong>') });
  });

  it('refuses a source that is not a post of this thread, and writes nothing', async () => {
    const other = (await ok<{ id: string }>(api('POST', `${forum}/categories/debats/threads`, bob.token, { title: 'Autre débat', body: 'Ailleurs' }), 201)).id;
    const before = [await count('forum_syntheses'), await count('forum_synthesis_sources')];
    const refused = await api('PUT', `/threads/${other}/synthesis`, moderator.token, { body: 'Résumé', sources: [1, 3] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().fields.sources.message).toContain('#3');
    expect((await api('PUT', `/threads/${thread}/synthesis`, moderator.token, { body: 'Résumé', sources: [2, 2] })).statusCode).toBe(400);
    expect((await api('PUT', `/threads/${thread}/synthesis`, moderator.token, { body: '   ', sources: [] })).statusCode).toBe(400);
    expect([await count('forum_syntheses'), await count('forum_synthesis_sources')]).toEqual(before);
  });

  it('is endorsed once per member and version; a new version starts again, and the old ones stay readable by moderators', async () => {
    for (const who of [alice, alice, bob]) await ok(api('PUT', `/threads/${thread}/synthesis/endorsement`, who.token));
    const seen = await ok<{ synthesis: { endorsements: number; viewer: { endorsed: boolean } } }>(api('GET', `/threads/${thread}`, bob.token));
    expect(seen.synthesis).toMatchObject({ endorsements: 2, viewer: { endorsed: true } });
    const taken = await ok<{ endorsements: number; viewer: { endorsed: boolean } }>(api('DELETE', `/threads/${thread}/synthesis/endorsement`, bob.token));
    expect(taken).toMatchObject({ endorsements: 1, viewer: { endorsed: false } });
    const second = await ok<{ version: number; endorsements: number }>(api('PUT', `/threads/${thread}/synthesis`, organizer.token, { body: 'Consensus précisé : financement par la métropole.', sources: [3] }));
    expect(second).toMatchObject({ version: 2, endorsements: 0 });
    const history = await ok<{ versions: Array<{ version: number; body: string }> }>(api('GET', `/threads/${thread}/synthesis/versions`, moderator.token));
    expect(history.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(history.versions[1]!.body).toContain('**Consensus**');
    expect((await api('GET', `/threads/${thread}/synthesis/versions`, alice.token)).statusCode).toBe(403);
    const log = await t.db.db.selectFrom('moderation_log').select(['action', 'actor_id']).where('subject_id', '=', thread).orderBy('created_at').execute();
    expect(log).toEqual([{ action: 'synthesis.write', actor_id: moderator.id }, { action: 'synthesis.write', actor_id: organizer.id }]);
  });

  it('is listed with the forum’s other syntheses, newest first, in one statement, and to nobody outside', async () => {
    await ok(api('POST', `${forum}/categories`, organizer.token, { name: 'Bureau', access: { read: 'moderators' } }), 201);
    const hidden = (await ok<{ id: string }>(api('POST', `${forum}/categories/bureau/threads`, moderator.token, { title: 'Candidatures', body: 'Entre nous' }), 201)).id;
    await ok(api('PUT', `/threads/${hidden}/synthesis`, moderator.token, { body: 'Liste arrêtée.', sources: [1] }));
    const counter = statementCounter(t);
    let list: { syntheses: Array<{ thread: { id: string; title: string }; synthesis: { version: number } }> } = { syntheses: [] };
    const log = await counter.during(async () => {
      list = await ok(api('GET', `${forum}/syntheses`, alice.token));
    });
    expect(log.statements).toHaveLength(1);
    expect(list.syntheses.map((s) => [s.thread.title, s.synthesis.version])).toEqual([['Cantines bio et locales', 2]]);
    const staff = await ok<{ syntheses: Array<{ thread: { id: string } }> }>(api('GET', `${forum}/syntheses`, moderator.token));
    expect(staff.syntheses.map((s) => s.thread.id)).toEqual([hidden, thread]);
    expect((await api('GET', `${forum}/syntheses`, stranger.token)).statusCode).toBe(403);
    expect((await api('PUT', `/threads/${thread}/synthesis/endorsement`, stranger.token)).statusCode).toBe(404);
    expect((await api('GET', `/threads/${hidden}/synthesis/versions`, alice.token)).statusCode).toBe(404);
  });
});
