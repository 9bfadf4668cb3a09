import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupVisibility } from '@caucus/shared/constants.ts';
import {
  ACTIVE_VIEWERS, CONTENT_READERS, createGroupWithRoles, createSharedViewers, expectedGroupWrite, expectedItemRead, expectedItemWrite, expectedListRead, GROUP_VIEWERS,
  type GroupViewer,
} from '../../testing/group-roles.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { setMembership, wallCounts, type TestMember } from '../../testing/wall-fixtures.ts';

// The authorization matrix of the wall routes: ten kinds of viewer × public, private and secret
// groups × every read and write. The expectations are written out here, from the rules,
// not computed with the policy module they test.

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
const DELETERS: Kind[] = ['groupModerator', 'organizer', 'networkModerator', 'admin'];
const PINNERS: Kind[] = ['organizer', 'admin'];
const wallRead = expectedListRead;
const postRead = expectedItemRead;
const postWrite = expectedItemWrite;
const wallPost = (visibility: GroupVisibility, kind: Kind) => expectedGroupWrite(visibility, kind, ACTIVE, 201);

describe.each(['public', 'private', 'secret'] as const)('a %s group', (visibility) => {
  let group: { id: string; slug: string };
  let viewers: Awaited<ReturnType<typeof createGroupWithRoles>>['viewers'];
  let author: TestMember;
  let postId: string;
  const tokenOf = (kind: Kind): string | null => viewers[kind].token || null;

  beforeAll(async () => {
    // The group and its people are made through the groups routes (testing/group-roles.ts).
    ({ group, viewers } = await createGroupWithRoles(t, visibility, { shared }));
    author = await createMember(t);
    await setMembership(t, group.id, author.id, 'active');
    postId = (await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: author.token, payload: { body: 'Le sujet' } })).json().id;
  });

  const newPost = async () => (await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: author.token, payload: { body: 'Encore' } })).json().id as string;

  /** Runs one request per viewer; a refused write must leave every table as it was. */
  async function check(
    name: string, expected: (kind: Kind) => number, send: (as: string | null, kind: Kind, target: string) => Promise<{ statusCode: number; body: string }>, write: boolean,
    target: () => Promise<string> = async () => postId,
  ) {
    const mismatches: string[] = [];
    for (const kind of ALL) {
      const id = await target();
      const before = write ? await wallCounts(t) : undefined;
      const response = await send(tokenOf(kind), kind, id);
      const want = expected(kind);
      if (response.statusCode !== want) mismatches.push(`${name} by ${kind}: ${response.statusCode} (want ${want}) ${response.body.slice(0, 120)}`);
      if (before && response.statusCode >= 400) {
        const after = await wallCounts(t);
        if (JSON.stringify(after) !== JSON.stringify(before)) mismatches.push(`${name} by ${kind}: refused but wrote ${JSON.stringify(after)}`);
      }
      // A secret group answers a stranger exactly like a group that does not exist.
      if (response.statusCode === 404) expect(JSON.parse(response.body).error).toBe('not_found');
    }
    expect(mismatches).toEqual([]);
  }

  it('reads the wall, a post and its comments', async () => {
    await check('GET wall', (k) => wallRead(visibility, k), (as) => t.request({ url: `/api/v1/groups/${group.slug}/posts`, as }), false);
    await check('GET post', (k) => postRead(visibility, k), (as) => t.request({ url: `/api/v1/posts/${postId}`, as }), false);
    await check('GET comments', (k) => postRead(visibility, k), (as) => t.request({ url: `/api/v1/posts/${postId}/comments`, as }), false);
  });

  it('posts on the wall', async () => {
    await check('POST wall', (k) => wallPost(visibility, k), (as, kind) => t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as, payload: { body: `par ${kind}` } }), true);
  });

  it('comments and reacts', async () => {
    await check('comment', (k) => postWrite(visibility, k, ACTIVE, 201), (as) => t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, as, payload: { body: 'avis' } }), true);
    await check('react', (k) => postWrite(visibility, k, ACTIVE, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/posts/${postId}/reaction`, as, payload: { kind: 'like' } }), true);
  });

  it("edits, deletes and pins someone else's post", async () => {
    await check('edit', (k) => postWrite(visibility, k, [], 200), (as) => t.request({ method: 'PATCH', url: `/api/v1/posts/${postId}`, as, payload: { body: 'modifié' } }), true);
    await check('pin', (k) => postWrite(visibility, k, PINNERS, 200), (as) => t.request({ method: 'PUT', url: `/api/v1/posts/${postId}/pin`, as }), true);
    await check('delete', (k) => postWrite(visibility, k, DELETERS, 200), (as, _kind, id) => t.request({ method: 'DELETE', url: `/api/v1/posts/${id}`, as }), true, newPost);
  });

  it('tells each reader of the wall what they may do, as the routes do', async () => {
    for (const kind of READERS[visibility]) {
      const seen = (await t.request({ url: `/api/v1/posts/${postId}`, as: tokenOf(kind) })).json();
      expect(seen.viewer, kind).toMatchObject({
        canEdit: false,
        canComment: ACTIVE.includes(kind),
        canReact: ACTIVE.includes(kind),
        canDelete: DELETERS.includes(kind),
        canPin: PINNERS.includes(kind),
      });
    }
  });
});
