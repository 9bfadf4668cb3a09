import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCalls } from '../../testing/api-calls.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership, type TestMember } from '../../testing/wall-fixtures.ts';

// The moderators' tools that reshape threads — archive, slow mode, move, merge, split — each
// refused to members, each refused where it would show posts to more readers, each logged.

let t: TestApp;
let organizer: TestMember;
let moderator: TestMember;
let alice: TestMember;
let bob: TestMember;
let forum: string;
const ids: Record<string, string> = {};

const { api, ok } = apiCalls(() => t);
const newThread = async (category: string, title: string, replies: string[] = []) => {
  const { id } = await ok<{ id: string }>(api('POST', `${forum}/categories/${category}/threads`, alice.token, { title, body: `${title} : ouverture` }), 201);
  for (const body of replies) await ok(api('POST', `/threads/${id}/posts`, bob.token, { body }), 201);
  return id;
};
const positions = async (thread: string) => (await ok<{ posts: Array<{ position: number; bodyHtml: string }> }>(api('GET', `/threads/${thread}?limit=100`, alice.token))).posts;
const logOf = async (thread: string) => (await t.db.db.selectFrom('moderation_log').select(['action', 'reason']).where('subject_id', '=', thread).orderBy('created_at').execute());

beforeAll(async () => {
  t = await createTestApp();
  [organizer, moderator, alice, bob] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t)]);
  const group = await insertGroup(t, 'public');
  forum = `/groups/${group.slug}/forum`;
  await setMembership(t, group.id, organizer.id, 'active', 'organizer');
  await setMembership(t, group.id, moderator.id, 'active', 'moderator');
  for (const member of [alice, bob]) await setMembership(t, group.id, member.id, 'active');
  for (const [name, access] of [['Débats', undefined], ['Idées', undefined], ['Bureau', { read: 'moderators' }], ['Annonces', { start: 'organizers' }]] as const) {
    ids[name] = (await ok<{ id: string }>(api('POST', `${forum}/categories`, organizer.token, { name, ...(access && { access }) }), 201)).id;
  }
});
afterAll(() => t.close());

describe('archive and slow mode', () => {
  it('archives a thread: out of the active list, read-only for everyone, back when unarchived', async () => {
    const thread = await newThread('debats', 'Sujet à archiver');
    expect((await api('PUT', `/threads/${thread}/archive`, alice.token)).statusCode).toBe(403);
    expect((await ok<{ archivedAt: string | null; viewer: { canReply: boolean } }>(api('PUT', `/threads/${thread}/archive`, moderator.token))).archivedAt).not.toBeNull();
    const active = await ok<{ threads: Array<{ id: string }> }>(api('GET', `${forum}/categories/debats/threads`, bob.token));
    expect(active.threads.map((x) => x.id)).not.toContain(thread);
    const archived = await ok<{ threads: Array<{ id: string; archived: boolean }> }>(api('GET', `${forum}/categories/debats/threads?archived=true`, bob.token));
    expect(archived.threads.map((x) => [x.id, x.archived])).toEqual([[thread, true]]);
    for (const who of [bob, moderator]) {
      const refused = await api('POST', `/threads/${thread}/posts`, who.token, { body: 'Trop tard ?' });
      expect([refused.statusCode, refused.json().error]).toEqual([409, 'thread_archived']);
    }
    await ok(api('DELETE', `/threads/${thread}/archive`, moderator.token));
    await ok(api('POST', `/threads/${thread}/posts`, bob.token, { body: 'Il revit' }), 201);
    expect((await logOf(thread)).map((e) => e.action)).toEqual(['thread.archive', 'thread.unarchive']);
  });

  it('slows a thread to one reply per member per N seconds, moderators apart, exactly even in a burst', async () => {
    const thread = await newThread('debats', 'Débat animé');
    expect((await api('PUT', `/threads/${thread}/slow-mode`, moderator.token, { seconds: 5 })).statusCode).toBe(400);
    expect((await ok<{ slowModeSeconds: number }>(api('PUT', `/threads/${thread}/slow-mode`, moderator.token, { seconds: 600 }))).slowModeSeconds).toBe(600);
    const burst = await Promise.all(Array.from({ length: 4 }, (_, i) => api('POST', `/threads/${thread}/posts`, bob.token, { body: `Encore ${i}` })));
    expect(burst.map((r) => r.statusCode).sort()).toEqual([201, 429, 429, 429]);
    expect(burst.find((r) => r.statusCode === 429)!.json().error).toBe('slow_mode');
    await ok(api('POST', `/threads/${thread}/posts`, moderator.token, { body: 'Un mot de modération' }), 201);
    await ok(api('POST', `/threads/${thread}/posts`, moderator.token, { body: 'Et un autre' }), 201);
    expect((await positions(thread)).map((p) => p.position)).toEqual([1, 2, 3, 4]);
    await ok(api('DELETE', `/threads/${thread}/slow-mode`, moderator.token));
    await ok(api('POST', `/threads/${thread}/posts`, bob.token, { body: 'Libre à nouveau' }), 201);
  });
});

describe('move, merge and split', () => {
  it('moves a thread within its forum, into a category the moderator may start threads in', async () => {
    const thread = await newThread('debats', 'À déplacer');
    expect((await api('POST', `/threads/${thread}/move`, bob.token, { categoryId: ids['Idées']! })).statusCode).toBe(403);
    expect((await api('POST', `/threads/${thread}/move`, moderator.token, { categoryId: ids['Annonces']! })).statusCode).toBe(403);
    expect((await api('POST', `/threads/${thread}/move`, moderator.token, { categoryId: '01900000-0000-7000-8000-000000000000' })).statusCode).toBe(400);
    const moved = await ok<{ category: { slug: string } }>(api('POST', `/threads/${thread}/move`, moderator.token, { categoryId: ids['Idées']!, reason: 'Mieux rangé' }));
    expect(moved.category.slug).toBe('idees');
    expect((await logOf(thread))).toEqual([{ action: 'thread.move', reason: 'Mieux rangé' }]);
  });

  it('merges a thread into another: its posts follow, numbered after; its address leads there', async () => {
    const target = await newThread('debats', 'Le logement', ['Réponse A']);
    const source = await newThread('idees', 'Logement encore', ['Réponse B', 'Réponse C']);
    const merged = await ok<{ id: string; postCount: number }>(api('POST', `/threads/${source}/merge`, moderator.token, { intoThreadId: target, reason: 'Doublon' }));
    expect(merged).toMatchObject({ id: target, postCount: 5 });
    expect((await positions(target)).map((p) => [p.position, p.bodyHtml.replace(/<[^>]+>/g, '')])).toEqual([
      [1, 'Le logement : ouverture'], [2, 'Réponse A'], [3, 'Logement encore : ouverture'], [4, 'Réponse B'], [5, 'Réponse C'],
    ]);
    const followed = await ok<{ thread: { id: string } }>(api('GET', `/threads/${source}`, bob.token));
    expect(followed.thread.id).toBe(target);
    expect((await api('POST', `/threads/${target}/merge`, moderator.token, { intoThreadId: target })).statusCode).toBe(400);
  });

  it('refuses a merge or a split that would show a moderators’ category to members, and writes nothing', async () => {
    const staff = (await ok<{ id: string }>(api('POST', `${forum}/categories/bureau/threads`, moderator.token, { title: 'Entre nous', body: 'Confidentiel' }), 201)).id;
    const open = await newThread('debats', 'Ouvert à tous');
    const merge = await api('POST', `/threads/${staff}/merge`, moderator.token, { intoThreadId: open });
    expect([merge.statusCode, merge.json().error]).toEqual([409, 'would_expose']);
    const split = await api('POST', `/threads/${staff}/split`, moderator.token, { positions: [1], title: 'Fuite' });
    expect(split.statusCode).toBe(400); // the opening post stays
    await ok(api('POST', `/threads/${staff}/posts`, moderator.token, { body: 'Suite confidentielle' }), 201);
    const exposed = await api('POST', `/threads/${staff}/split`, moderator.token, { positions: [2], title: 'Fuite', categoryId: ids['Débats']! });
    expect([exposed.statusCode, exposed.json().error]).toEqual([409, 'would_expose']);
    expect((await positions(open)).length).toBe(1);
    expect((await ok<{ posts: unknown[] }>(api('GET', `/threads/${staff}`, moderator.token))).posts).toHaveLength(2);
    // The other way (open posts into a moderators' category) only narrows who reads them.
    await ok(api('POST', `/threads/${open}/merge`, moderator.token, { intoThreadId: staff }));
  });

  it('splits replies off into a new thread, numbered from 1', async () => {
    const thread = await newThread('debats', 'Deux sujets en un', ['Sur le sujet', 'Hors sujet 1', 'Hors sujet 2']);
    expect((await api('POST', `/threads/${thread}/split`, moderator.token, { positions: [3, 9], title: 'Le hors-sujet' })).statusCode).toBe(400);
    const created = await ok<{ id: string; title: string; postCount: number; category: { slug: string }; author: { handle: string } }>(
      api('POST', `/threads/${thread}/split`, moderator.token, { positions: [4, 3], title: 'Le hors-sujet', categoryId: ids['Idées']! }));
    expect(created).toMatchObject({ title: 'Le hors-sujet', postCount: 2, category: { slug: 'idees' }, author: { handle: bob.handle } });
    expect((await positions(created.id)).map((p) => [p.position, p.bodyHtml.replace(/<[^>]+>/g, '')])).toEqual([[1, 'Hors sujet 1'], [2, 'Hors sujet 2']]);
    expect((await positions(thread)).map((p) => p.position)).toEqual([1, 2]);
    expect((await logOf(thread)).map((e) => e.action)).toEqual(['thread.split']);
  });
});
