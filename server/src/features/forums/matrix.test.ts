import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupVisibility } from '@caucus/shared/constants.ts';
import {
  ACTIVE_VIEWERS, CONTENT_READERS, createGroupWithRoles, createSharedViewers, expectedGroupWrite, expectedItemRead, expectedItemWrite, expectedListRead, GROUP_VIEWERS,
  type GroupViewer,
} from '../../testing/group-roles.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { setMembership, type TestMember } from '../../testing/wall-fixtures.ts';

// The authorization matrix of a group's forum: ten kinds of viewer × public, private and secret
// groups × every forum route. The expectations are written out from the rules (the forum
// follows the group: its readers read, its active members write, its moderators moderate), not
// computed with the policy module they test.

let t: TestApp;
let shared: Awaited<ReturnType<typeof createSharedViewers>>;

beforeAll(async () => {
  t = await createTestApp();
  shared = await createSharedViewers(t);
});
afterAll(() => t.close());

type Kind = GroupViewer;
const ALL: Kind[] = [...GROUP_VIEWERS];
const ACTIVE = ACTIVE_VIEWERS;
const READERS = CONTENT_READERS;
const MODERATORS: Kind[] = ['groupModerator', 'organizer', 'networkModerator', 'admin'];
const MANAGERS: Kind[] = ['organizer', 'admin'];
const forumRead = expectedListRead;
const threadRead = expectedItemRead;
const write = expectedItemWrite;
const manage = (visibility: GroupVisibility, kind: Kind) => expectedGroupWrite(visibility, kind, MANAGERS, 201);

async function forumCounts(): Promise<Record<string, number>> {
  const { rows } = await sql<Record<string, number>>`
    SELECT (SELECT count(*) FROM forum_categories)::int AS categories, (SELECT count(*) FROM forum_threads)::int AS threads,
      (SELECT count(*) FROM forum_threads WHERE deleted_at IS NULL)::int AS live_threads, (SELECT count(*) FROM forum_posts)::int AS posts,
      (SELECT count(*) FROM forum_posts WHERE deleted_at IS NULL)::int AS live_posts, (SELECT coalesce(sum(post_count), 0) FROM forum_threads)::int AS numbered,
      (SELECT count(*) FROM forum_threads WHERE pinned IS NOT NULL)::int AS pinned, (SELECT count(*) FROM forum_threads WHERE closed_at IS NOT NULL)::int AS closed,
      (SELECT count(*) FROM forum_threads WHERE archived_at IS NOT NULL)::int AS archived, (SELECT count(*) FROM forum_threads WHERE slow_mode_seconds IS NOT NULL)::int AS slowed,
      (SELECT count(*) FROM forum_post_revisions)::int AS revisions, (SELECT count(*) FROM moderation_log)::int AS log,
      (SELECT count(*) FROM forum_read_state)::int AS read_states, (SELECT count(*) FROM forum_syntheses)::int AS syntheses,
      (SELECT count(*) FROM forum_synthesis_sources)::int AS synthesis_sources`.execute(t.db.db);
  return rows[0]!;
}

describe.each(['public', 'private', 'secret'] as const)('a %s group’s forum', (visibility) => {
  let base: string;
  let viewers: Awaited<ReturnType<typeof createGroupWithRoles>>['viewers'];
  let author: TestMember;
  let threadId: string;
  let replyId: string;
  const tokenOf = (kind: Kind): string | null => viewers[kind].token || null;

  beforeAll(async () => {
    const made = await createGroupWithRoles(t, visibility, { shared });
    viewers = made.viewers;
    base = `/api/v1/groups/${made.group.slug}/forum`;
    author = await createMember(t);
    await setMembership(t, made.group.id, author.id, 'active');
    const category = await t.request({ method: 'POST', url: `${base}/categories`, as: viewers.organizer.token, payload: { name: 'Débats' } });
    expect(category.statusCode, category.body).toBe(201);
    threadId = (await t.request({ method: 'POST', url: `${base}/categories/debats/threads`, as: author.token, payload: { title: 'Le sujet du jour', body: 'Premier message' } })).json().id;
    replyId = (await t.request({ method: 'POST', url: `/api/v1/threads/${threadId}/posts`, as: author.token, payload: { body: 'Une réponse' } })).json().id;
  });

  const newReply = async () => (await t.request({ method: 'POST', url: `/api/v1/threads/${threadId}/posts`, as: author.token, payload: { body: 'Encore' } })).json().id as string;

  /** One request per viewer; a refused write must leave every forum table as it was. */
  async function check(name: string, expected: (kind: Kind) => number, send: (as: string | null, kind: Kind, target: string) => Promise<{ statusCode: number; body: string }>, writes: boolean, target: () => Promise<string> = async () => replyId) {
    const mismatches: string[] = [];
    for (const kind of ALL) {
      const id = await target();
      const before = writes ? await forumCounts() : undefined;
      const response = await send(tokenOf(kind), kind, id);
      const want = expected(kind);
      if (response.statusCode !== want) mismatches.push(`${name} by ${kind}: ${response.statusCode} (want ${want}) ${response.body.slice(0, 120)}`);
      if (before && response.statusCode >= 400) {
        const after = await forumCounts();
        if (JSON.stringify(after) !== JSON.stringify(before)) mismatches.push(`${name} by ${kind}: refused but wrote ${JSON.stringify(after)} (was ${JSON.stringify(before)})`);
      }
      // A secret group's forum answers a stranger exactly like one that does not exist.
      if (response.statusCode === 404) expect(JSON.parse(response.body).error).toBe('not_found');
    }
    expect(mismatches).toEqual([]);
  }

  it('reads the forum, a category and a thread', async () => {
    await check('GET forum', (k) => forumRead(visibility, k), (as) => t.request({ url: base, as }), false);
    await check('GET category', (k) => forumRead(visibility, k), (as) => t.request({ url: `${base}/categories/debats/threads`, as }), false);
    await check('GET thread', (k) => threadRead(visibility, k), (as) => t.request({ url: `/api/v1/threads/${threadId}`, as }), false);
  });

  it('starts threads and replies: the active members', async () => {
    await check('POST thread', (k) => write(visibility, k, ACTIVE, 201), (as, kind) => t.request({ method: 'POST', url: `${base}/categories/debats/threads`, as, payload: { title: `Sujet de ${kind}`, body: 'Mon avis' } }), true);
    await check('POST reply', (k) => write(visibility, k, ACTIVE, 201), (as) => t.request({ method: 'POST', url: `/api/v1/threads/${threadId}/posts`, as, payload: { body: 'Mon avis' } }), true);
    await check('PUT read', (k) => write(visibility, k, ALL, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/threads/${threadId}/read`, as, payload: { position: 1 } }), false);
  });

  it('edits nobody else’s post; moderators delete, pin and close', async () => {
    await check('PATCH post', (k) => write(visibility, k, [], 200), (as) => t.request({ method: 'PATCH', url: `/api/v1/forum-posts/${replyId}`, as, payload: { body: 'réécrit' } }), true);
    await check('pin', (k) => write(visibility, k, MODERATORS, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/threads/${threadId}/pin`, as, payload: { where: 'category' } }), true);
    await check('close', (k) => write(visibility, k, MODERATORS, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/threads/${threadId}/close`, as }), true);
    await check('reopen', (k) => write(visibility, k, MODERATORS, 200), (as) => t.request({ method: 'DELETE', url: `/api/v1/threads/${threadId}/close`, as }), true);
    await check('slow mode', (k) => write(visibility, k, MODERATORS, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/threads/${threadId}/slow-mode`, as, payload: { seconds: 30 } }), true);
    await check('archive', (k) => write(visibility, k, MODERATORS, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/threads/${threadId}/archive`, as }), true);
    await check('unarchive', (k) => write(visibility, k, MODERATORS, 200), (as) => t.request({ method: 'DELETE', url: `/api/v1/threads/${threadId}/archive`, as }), true);
    await t.request({ method: 'DELETE', url: `/api/v1/threads/${threadId}/slow-mode`, as: viewers.organizer.token });
    await check('DELETE post', (k) => write(visibility, k, MODERATORS, 200), (as, _kind, id) => t.request({ method: 'DELETE', url: `/api/v1/forum-posts/${id}`, as }), true, newReply);
  });

  it('writes the synthesis (moderators), endorses it (active members) and lists the syntheses (readers)', async () => {
    await check('PUT synthesis', (k) => write(visibility, k, MODERATORS, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/threads/${threadId}/synthesis`, as, payload: { body: 'Synthèse', sources: [1] } }), true);
    await check('PUT endorsement', (k) => write(visibility, k, ACTIVE, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/threads/${threadId}/synthesis/endorsement`, as }), false);
    await check('GET versions', (k) => write(visibility, k, MODERATORS, 200), (as) => t.request({ url: `/api/v1/threads/${threadId}/synthesis/versions`, as }), false);
    await check('GET syntheses', (k) => forumRead(visibility, k), (as) => t.request({ url: `${base}/syntheses`, as }), false);
  });

  it('arranges categories: the organizers and the network admins', async () => {
    await check('POST category', (k) => manage(visibility, k), (as, kind) => t.request({ method: 'POST', url: `${base}/categories`, as, payload: { name: `Catégorie ${kind}` } }), true);
  });

  it('tells each reader what they may do, as the routes do', async () => {
    for (const kind of READERS[visibility]) {
      const page = (await t.request({ url: `/api/v1/threads/${threadId}`, as: tokenOf(kind) })).json();
      expect(page.thread.viewer, kind).toMatchObject({ canReply: ACTIVE.includes(kind), canModerate: MODERATORS.includes(kind) });
      const forum = (await t.request({ url: base, as: tokenOf(kind) })).json();
      expect(forum.viewer.canManage, kind).toBe(MANAGERS.includes(kind));
      expect(forum.categories[0].viewer.canStart, kind).toBe(ACTIVE.includes(kind));
    }
  });
});
