import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Group } from '@caucus/shared/schemas/groups.ts';
import type { Post, PostPage } from '@caucus/shared/schemas/posts.ts';
import { compactWall, expandWall } from './wall-data.ts';

const group = { id: 'g1', slug: 'lyon', name: 'Lyon en commun', visibility: 'public' } as Group;

function post(id: string, wall: Post['wall'] = { kind: 'group', group: { id: 'g1', slug: 'lyon', name: 'Lyon en commun', visibility: 'public' } }): Post {
  return {
    id,
    wall,
    author: { id: 'a1', handle: 'lea', displayName: 'Léa' },
    bodyHtml: `<p>${id}</p>`,
    createdAt: '2026-11-23T10:00:00.000Z',
    editedAt: null,
    pinnedAt: null,
    commentCount: 0,
    reactions: {},
    reactionCount: 0,
  };
}

test('the group’s wall leaves the page data once per post and comes back identical', () => {
  const page: PostPage = { posts: [post('p1'), post('p2')], pinned: [post('p0')], nextCursor: 'c', canPost: true };
  const compact = compactWall(page, group);
  assert.equal(JSON.stringify(compact).includes('Lyon en commun'), false);
  assert.deepEqual(expandWall(compact, group), page);
});

test('a post whose wall is not exactly the group’s keeps its own', () => {
  const renamed = post('p1', { kind: 'group', group: { id: 'g1', slug: 'lyon', name: 'Ancien nom', visibility: 'public' } });
  const compact = compactWall({ posts: [renamed], nextCursor: null }, group);
  assert.equal(compact.posts[0]?.wall?.group?.name, 'Ancien nom');
  assert.deepEqual(expandWall(compact, group).posts[0], renamed);
});
