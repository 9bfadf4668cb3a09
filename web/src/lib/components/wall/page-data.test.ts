import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Post, PostPage, PostWall } from '@caucus/shared/schemas/posts.ts';
import { compactPage, expandPage } from './page-data.ts';

const groupWall = (name: string): PostWall => ({ kind: 'group', group: { id: 'g1', slug: 'lyon', name, visibility: 'public' } });
const lyon = groupWall('Lyon en commun');
const NETWORK_WALL: PostWall = { kind: 'network' };
const reader = { reaction: null, canEdit: false, canDelete: false, canPin: false, canComment: true, canReact: true };

function post(id: string, extra: Partial<Post> = {}): Post {
  return {
    id,
    wall: lyon,
    author: { id: 'a1', handle: 'lea', displayName: 'Léa' },
    bodyHtml: `<p>${id}</p>`,
    createdAt: '2026-11-23T10:00:00.000Z',
    editedAt: null,
    pinnedAt: null,
    commentCount: 0,
    reactions: {},
    reactionCount: 0,
    viewer: reader,
    ...extra,
  };
}

test('what every post repeats is said once, and every post comes back identical', () => {
  const page: PostPage = { posts: [post('p1'), post('p2')], pinned: [post('p0', { pinnedAt: '2026-11-24T10:00:00.000Z' })], nextCursor: 'c', canPost: true };
  const compact = compactPage(page);
  const json = JSON.stringify(compact);
  assert.equal(json.match(/Lyon en commun/g)?.length, 1);
  assert.equal(json.match(/canReact/g)?.length, 1);
  assert.equal(json.includes('commentCount'), false);
  assert.deepEqual(expandPage(compact), page);
});

test('a post that differs keeps what differs: its own wall, rights, counts and reactions', () => {
  const renamed = post('p1', { wall: groupWall('Ancien nom') });
  const mine = post('p2', { viewer: { ...reader, canEdit: true, canDelete: true, body: 'raw' }, commentCount: 3, reactions: { like: 2 }, reactionCount: 2 });
  const page: PostPage = { posts: [renamed, mine, post('p3'), post('p4')], nextCursor: null };
  const compact = compactPage(page);
  assert.equal(compact.posts[0]?.wall?.group?.name, 'Ancien nom');
  assert.equal(compact.posts[1]?.viewer?.body, 'raw');
  assert.deepEqual(expandPage(compact), page);
});

test('an anonymous reader’s posts have no rights, and a post without rights among others stays without', () => {
  const anonymous: PostPage = { posts: [post('p1', { viewer: undefined }), post('p2', { viewer: undefined })], nextCursor: null };
  const withoutViewer = (p: Post) => { const { viewer: _viewer, ...rest } = p; return rest as Post; };
  const clean = { ...anonymous, posts: anonymous.posts.map(withoutViewer) };
  assert.deepEqual(expandPage(compactPage(clean)), clean);
  const mixed: PostPage = { posts: [post('p1'), withoutViewer(post('p2')), post('p3', { wall: NETWORK_WALL })], nextCursor: null };
  assert.deepEqual(expandPage(compactPage(mixed)), mixed);
});
