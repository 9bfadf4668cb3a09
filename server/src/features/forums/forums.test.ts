import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounter } from '../../testing/statement-counter.ts';
import { apiCalls } from '../../testing/api-calls.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership, setNetworkRole, type TestMember } from '../../testing/wall-fixtures.ts';

// A group's forum as its people use it: categories arranged by an organizer, threads started and
// answered by members, numbered posts read by keyset pages, quotes, reading state, moderators'
// tools and their log, and every read in one statement.

let t: TestApp;
let organizer: TestMember;
let alice: TestMember;
let bob: TestMember;
let moderator: TestMember;
let group: { id: string; slug: string };
let forum: string;

const { api, ok } = apiCalls(() => t);

async function newThread(category: string, title = 'Quel programme pour le logement ?', as = alice.token, where = forum): Promise<string> {
  return (await ok<{ id: string }>(api('POST', `${where}/categories/${category}/threads`, as, { title, body: 'Ouvrons le débat #logement' }), 201)).id;
}

beforeAll(async () => {
  t = await createTestApp();
  [organizer, alice, bob, moderator] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t)]);
  group = await insertGroup(t, 'private');
  forum = `/groups/${group.slug}/forum`;
  await setMembership(t, group.id, organizer.id, 'active', 'organizer');
  await setMembership(t, group.id, moderator.id, 'active', 'moderator');
  for (const member of [alice, bob]) await setMembership(t, group.id, member.id, 'active');
});
afterAll(() => t.close());

describe('categories', () => {
  it('are arranged by an organizer: in order, subcategories under their parent, addresses made from their names', async () => {
    const debate = await ok<{ id: string; slug: string }>(api('POST', `${forum}/categories`, organizer.token, { name: 'Débats', description: 'Le programme, point par point' }), 201);
    const life = await ok<{ slug: string }>(api('POST', `${forum}/categories`, organizer.token, { name: 'Vie du groupe' }), 201);
    const sub = await ok<{ parentId: string; slug: string }>(api('POST', `${forum}/categories`, organizer.token, { name: 'Débats', parentId: debate.id }), 201);
    expect([debate.slug, life.slug, sub.slug]).toEqual(['debats', 'vie-du-groupe', 'debats-2']);
    expect(sub.parentId).toBe(debate.id);
    const read = await ok<{ categories: Array<{ slug: string }>; viewer: { canManage: boolean } }>(api('GET', forum, alice.token));
    expect(read.categories.map((c) => c.slug)).toEqual(['debats', 'debats-2', 'vie-du-groupe']);
    expect(read.viewer.canManage).toBe(false);
    const moved = await ok<{ position: number }>(api('PATCH', `/forum-categories/${debate.id}`, organizer.token, { position: 5 }));
    expect(moved.position).toBe(5);
    expect((await ok<{ categories: Array<{ slug: string }> }>(api('GET', forum, alice.token))).categories.map((c) => c.slug)).toEqual(['vie-du-groupe', 'debats', 'debats-2']);
  });

  it('refuses what would not make sense, with a reason, and writes nothing', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM forum_categories`.execute(t.db.db);
    const forbidden = await api('POST', `${forum}/categories`, alice.token, { name: 'À moi' });
    expect(forbidden.statusCode).toBe(403);
    const blank = await api('POST', `${forum}/categories`, organizer.token, { name: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().fields.name.code).toBe('required');
    const { categories } = (await api('GET', forum, organizer.token)).json() as { categories: Array<{ id: string; parentId: string | null }> };
    const child = categories.find((c) => c.parentId !== null)!;
    const deep = await api('POST', `${forum}/categories`, organizer.token, { name: 'Trop profond', parentId: child.id });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().fields.parentId.code).toBe('invalid_choice');
    const unknownParent = await api('POST', `${forum}/categories`, organizer.token, { name: 'Orpheline', parentId: '01900000-0000-7000-8000-000000000000' });
    expect(unknownParent.statusCode).toBe(400);
    const badAccess = await api('POST', `${forum}/categories`, organizer.token, { name: 'X', access: { read: 'everyone' } });
    expect(badAccess.statusCode).toBe(400);
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM forum_categories`.execute(t.db.db);
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  });

  it('hides a category kept to moderators from members: not listed, its threads a 404', async () => {
    await ok(api('POST', `${forum}/categories`, organizer.token, { name: 'Coordination', access: { read: 'moderators', start: 'moderators', reply: 'moderators' } }), 201);
    const thread = await newThread('coordination', 'Préparer la réunion', moderator.token);
    expect((await ok<{ categories: Array<{ slug: string }> }>(api('GET', forum, alice.token))).categories.map((c) => c.slug)).not.toContain('coordination');
    expect((await ok<{ categories: Array<{ slug: string }> }>(api('GET', forum, moderator.token))).categories.map((c) => c.slug)).toContain('coordination');
    expect((await api('GET', `${forum}/categories/coordination/threads`, alice.token)).statusCode).toBe(404);
    expect((await api('GET', `/threads/${thread}`, alice.token)).statusCode).toBe(404);
    expect((await api('POST', `/threads/${thread}/posts`, alice.token, { body: 'Je peux ?' })).statusCode).toBe(404);
  });
});

describe('threads and replies', () => {
  let thread: string;

  it('numbers posts from the opening one, with no gap and no repeat when many reply at once', async () => {
    thread = await newThread('debats');
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => api('POST', `/threads/${thread}/posts`, i % 2 ? alice.token : bob.token, { body: `Réponse ${i}` })));
    expect(replies.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    expect(replies.map((r) => r.json().position as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    const page = await ok<{ thread: { postCount: number }; posts: Array<{ position: number }> }>(api('GET', `/threads/${thread}`, bob.token));
    expect(page.thread.postCount).toBe(13);
    expect(page.posts.map((p) => p.position)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
  });

  it('pages by position, and jumps to the page that holds post N', async () => {
    const first = await ok<{ posts: Array<{ position: number }>; nextAfter: number | null; previousAfter: number | null }>(api('GET', `/threads/${thread}?limit=5`, bob.token));
    expect(first.posts.map((p) => p.position)).toEqual([1, 2, 3, 4, 5]);
    expect([first.previousAfter, first.nextAfter]).toEqual([null, 5]);
    const second = await ok<{ posts: Array<{ position: number }>; nextAfter: number | null; previousAfter: number | null }>(api('GET', `/threads/${thread}?limit=5&after=5`, bob.token));
    expect(second.posts.map((p) => p.position)).toEqual([6, 7, 8, 9, 10]);
    expect(second.previousAfter).toBe(0);
    const jump = await ok<{ posts: Array<{ position: number }>; nextAfter: number | null }>(api('GET', `/threads/${thread}?limit=5&at=12`, bob.token));
    expect(jump.posts.map((p) => p.position)).toEqual([11, 12, 13]);
    expect(jump.nextAfter).toBeNull();
    expect((await api('GET', `/threads/${thread}?after=-1`, bob.token)).statusCode).toBe(400);
    expect((await api('GET', `/threads/${thread}?at=abc`, bob.token)).statusCode).toBe(400);
  });

  it('quotes a post of the same thread, and refuses one from elsewhere without taking a number', async () => {
    const quoted = await ok<{ quote: { position: number; author: { handle: string }; excerpt: string } }>(api('POST', `/threads/${thread}/posts`, bob.token, { body: 'Tout à fait', quoteOf: 1 }), 201);
    expect(quoted.quote).toMatchObject({ position: 1, author: { handle: alice.handle }, excerpt: 'Ouvrons le débat #logement' });
    const other = await newThread('debats', 'Un autre sujet');
    const count = async () => (await ok<{ thread: { postCount: number } }>(api('GET', `/threads/${other}`, bob.token))).thread.postCount;
    const before = await count();
    const wrong = await api('POST', `/threads/${other}/posts`, bob.token, { body: 'Hors sujet', quoteOf: 9 });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().fields.quoteOf.code).toBe('invalid_choice');
    expect(await count()).toBe(before);
    expect((await api('POST', `/threads/${other}/posts`, bob.token, { body: '', quoteOf: 1 })).statusCode).toBe(400);
  });

  it('keeps what a post said before an edit, and a deleted post keeps its number', async () => {
    const post = await ok<{ id: string; position: number }>(api('POST', `/threads/${thread}/posts`, alice.token, { body: 'Première version' }), 201);
    expect((await api('PATCH', `/forum-posts/${post.id}`, bob.token, { body: 'Pas à moi' })).statusCode).toBe(403);
    const edited = await ok<{ editedAt: string | null; bodyHtml: string }>(api('PATCH', `/forum-posts/${post.id}`, alice.token, { body: 'Version corrigée' }));
    expect(edited.editedAt).not.toBeNull();
    expect(edited.bodyHtml).toContain('Version corrigée');
    const revisions = await t.db.db.selectFrom('forum_post_revisions').select(['body', 'editor_id']).where('post_id', '=', post.id).execute();
    expect(revisions).toEqual([{ body: 'Première version', editor_id: alice.id }]);
    await ok(api('DELETE', `/forum-posts/${post.id}`, moderator.token));
    const page = await ok<{ posts: Array<{ position: number; deleted: boolean; bodyHtml: string }> }>(api('GET', `/threads/${thread}?at=${post.position}`, bob.token));
    expect(page.posts.find((p) => p.position === post.position)).toMatchObject({ deleted: true, bodyHtml: '' });
    const log = await t.db.db.selectFrom('moderation_log').select(['action', 'actor_id']).where('subject_id', '=', post.id).execute();
    expect(log).toEqual([{ action: 'post.delete', actor_id: moderator.id }]);
  });

  it('closes a thread to members (under the thread lock), not to its moderators, and logs it', async () => {
    expect((await api('PUT', `/threads/${thread}/close`, alice.token)).statusCode).toBe(403);
    const closed = await ok<{ closedAt: string | null; viewer: { canReply: boolean } }>(api('PUT', `/threads/${thread}/close`, moderator.token));
    expect(closed.closedAt).not.toBeNull();
    const refused = await api('POST', `/threads/${thread}/posts`, alice.token, { body: 'Encore un mot' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toBe('thread_closed');
    expect((await ok<{ thread: { viewer: { canReply: boolean } } }>(api('GET', `/threads/${thread}`, alice.token))).thread.viewer.canReply).toBe(false);
    await ok(api('POST', `/threads/${thread}/posts`, moderator.token, { body: 'Le mot de la fin' }), 201);
    await ok(api('DELETE', `/threads/${thread}/close`, moderator.token));
    await ok(api('POST', `/threads/${thread}/posts`, alice.token, { body: 'Rouvert !' }), 201);
    const actions = await t.db.db.selectFrom('moderation_log').select('action').where('subject_id', '=', thread).orderBy('created_at').execute();
    expect(actions.map((a) => a.action)).toEqual(['thread.close', 'thread.reopen']);
  });

  it('pins above the category or the whole forum', async () => {
    const pinned = await newThread('vie-du-groupe', 'Règles du forum');
    await ok(api('PUT', `/threads/${pinned}/pin`, moderator.token, { where: 'forum' }));
    const list = await ok<{ pinned: Array<{ id: string; pinned: string }>; threads: Array<{ id: string }> }>(api('GET', `${forum}/categories/debats/threads`, bob.token));
    expect(list.pinned.map((p) => [p.id, p.pinned])).toEqual([[pinned, 'forum']]);
    expect(list.threads.map((p) => p.id)).not.toContain(pinned);
    expect((await api('PUT', `/threads/${pinned}/pin`, moderator.token, { where: 'ailleurs' })).statusCode).toBe(400);
    await ok(api('DELETE', `/threads/${pinned}/pin`, moderator.token));
    expect((await ok<{ pinned: unknown[] }>(api('GET', `${forum}/categories/debats/threads`, bob.token))).pinned).toEqual([]);
  });

  it('takes the thread with its opening post', async () => {
    const doomed = await newThread('debats', 'À supprimer');
    const [opening] = (await ok<{ posts: Array<{ id: string }> }>(api('GET', `/threads/${doomed}`, alice.token))).posts;
    await ok(api('DELETE', `/forum-posts/${opening!.id}`, alice.token));
    expect((await api('GET', `/threads/${doomed}`, alice.token)).statusCode).toBe(404);
    const list = await ok<{ threads: Array<{ id: string }> }>(api('GET', `${forum}/categories/debats/threads`, alice.token));
    expect(list.threads.map((p) => p.id)).not.toContain(doomed);
  });
});

describe('reading state', () => {
  it('counts what a member has not read, moves only forward, and shows it on the lists', async () => {
    await ok(api('POST', `${forum}/categories`, organizer.token, { name: 'Propositions' }), 201);
    const thread = await newThread('propositions', 'Une idée pour la rentrée');
    const unread = async () => {
      const list = await ok<{ threads: Array<{ id: string; unreadPosts: number; lastReadPosition: number }> }>(api('GET', `${forum}/categories/propositions/threads`, bob.token));
      const { categories } = await ok<{ categories: Array<{ slug: string; unreadThreads: number }> }>(api('GET', forum, bob.token));
      return { thread: list.threads.find((x) => x.id === thread)!, category: categories.find((c) => c.slug === 'propositions')!.unreadThreads };
    };
    expect(await unread()).toMatchObject({ thread: { unreadPosts: 1, lastReadPosition: 0 }, category: 1 });
    await ok(api('POST', `/threads/${thread}/posts`, alice.token, { body: 'Et une précision' }), 201);
    expect((await unread()).thread.unreadPosts).toBe(2);
    expect((await ok<{ lastReadPosition: number }>(api('PUT', `/threads/${thread}/read`, bob.token, { position: 99 }))).lastReadPosition).toBe(2);
    expect(await unread()).toMatchObject({ thread: { unreadPosts: 0 }, category: 0 });
    expect((await ok<{ lastReadPosition: number }>(api('PUT', `/threads/${thread}/read`, bob.token, { position: 1 }))).lastReadPosition).toBe(2);
    const page = await ok<{ thread: { viewer: { lastReadPosition: number } } }>(api('GET', `/threads/${thread}`, bob.token));
    expect(page.thread.viewer.lastReadPosition).toBe(2);
    // The author has read their own posts.
    expect((await ok<{ threads: Array<{ id: string; unreadPosts: number }> }>(api('GET', `${forum}/categories/propositions/threads`, alice.token))).threads.find((x) => x.id === thread)!.unreadPosts).toBe(0);
  });
});

describe('the network forum', () => {
  it('is for members; the campaign team arranges it', async () => {
    const admin = await createMember(t);
    await setNetworkRole(t, admin.id, 'admin');
    expect((await api('GET', '/forum', null)).statusCode).toBe(401);
    expect((await api('POST', '/forum/categories', alice.token, { name: 'Annonces' })).statusCode).toBe(403);
    await ok(api('POST', '/forum/categories', admin.token, { name: 'Questions au candidat' }), 201);
    const thread = await newThread('questions-au-candidat', 'Quand viendrez-vous à Lyon ?', bob.token, '/forum');
    expect((await ok<{ categories: Array<{ slug: string }> }>(api('GET', '/forum', alice.token))).categories.map((c) => c.slug)).toEqual(['questions-au-candidat']);
    await ok(api('POST', `/threads/${thread}/posts`, alice.token, { body: 'Moi aussi je voudrais savoir' }), 201);
    expect((await api('GET', `/threads/${thread}`, null)).statusCode).toBe(404);
  });
});

describe('reads are one statement', () => {
  it('answers the forum, a category and a thread page in one statement each', async () => {
    const counter = statementCounter(t);
    const thread = await newThread('debats', 'Compter les requêtes');
    for (const [what, url] of [['forum', forum], ['category', `${forum}/categories/debats/threads`], ['thread', `/threads/${thread}`], ['deep page', `/threads/${thread}?at=1&limit=1`]] as const) {
      let status = 0;
      const log = await counter.during(async () => {
        status = (await api('GET', url, bob.token)).statusCode;
      });
      expect(status, what).toBe(200);
      expect(log.statements, what).toHaveLength(1);
    }
  });
});
