import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Post } from '@caucus/shared/schemas/posts.ts';
import { applyLiveEvent, liveViewer, mergePost, prependPost, replacePost, showIncoming, withReaction, type ListOptions, type Sections } from './post-changes.ts';

let clock = Date.parse('2026-11-23T10:00:00Z');
function post(id: string, extra: Partial<Post> = {}): Post {
  clock += 60_000;
  return {
    id,
    wall: { kind: 'group', group: { id: 'g1', slug: 'lyon', name: 'Lyon', visibility: 'public' } },
    author: { id: 'a1', handle: 'lea', displayName: 'Léa' },
    bodyHtml: `<p>${id}</p>`,
    createdAt: new Date(clock).toISOString(),
    editedAt: null,
    pinnedAt: null,
    commentCount: 0,
    reactions: {},
    reactionCount: 0,
    ...extra,
  };
}
const viewer = { reaction: null, canEdit: true, canDelete: true, canPin: false, canComment: true, canReact: true, body: 'raw' };
const wall: ListOptions = {
  accepts: (p) => p.wall.group?.id === 'g1',
  mode: 'direct',
  pinnedSection: true,
  abilities: { me: 'sam', respond: true, moderate: false, pin: false },
};
const sections = (posts: Post[], pinned: Post[] = []): Sections => ({ pinned, posts, incoming: [] });

test('a live post of this wall goes on top with rights guessed from the page; another wall’s is ignored', () => {
  const older = post('p1');
  const fresh = post('p2');
  const after = applyLiveEvent(sections([older]), 'post.created', { post: fresh }, wall);
  assert.deepEqual(after.posts.map((p) => p.id), ['p2', 'p1']);
  assert.equal(after.posts[0]?.viewer?.canReact, true);
  assert.equal(after.posts[0]?.viewer?.canEdit, false); // Léa wrote it, the reader is Sam
  const elsewhere = post('p3', { wall: { kind: 'group', group: { id: 'g2', slug: 'x', name: 'X', visibility: 'private' } } });
  assert.deepEqual(applyLiveEvent(after, 'post.created', { post: elsewhere }, wall), after);
});

test('in banner mode live posts wait, once each, until shown', () => {
  const feed: ListOptions = { ...wall, accepts: () => true, mode: 'banner', pinnedSection: false };
  const fresh = post('p2');
  let s = applyLiveEvent(sections([post('p1')]), 'post.created', { post: fresh }, feed);
  s = applyLiveEvent(s, 'post.created', { post: fresh }, feed);
  assert.deepEqual(s.incoming.map((p) => p.id), ['p2']);
  assert.deepEqual(s.posts.map((p) => p.id), ['p1']);
  s = showIncoming(s);
  assert.deepEqual(s.posts.map((p) => p.id), ['p2', 'p1']);
  assert.deepEqual(s.incoming, []);
});

test('the reader’s own post from the composer is shown once, even when its live event came first', () => {
  const mine = post('p2', { viewer });
  const live = applyLiveEvent(sections([post('p1')]), 'post.created', { post: { ...mine, viewer: undefined } }, wall);
  const s = prependPost(live, mine);
  assert.deepEqual(s.posts.map((p) => p.id), ['p2', 'p1']);
  assert.equal(s.posts[0]?.viewer?.body, 'raw');
});

test('a live edit keeps the reader’s rights but drops the stale raw text; an action’s answer replaces them', () => {
  const old = post('p1', { viewer });
  const edited = { ...old, bodyHtml: '<p>new</p>', editedAt: old.createdAt, viewer: undefined };
  const merged = mergePost(old, edited);
  assert.equal(merged.bodyHtml, '<p>new</p>');
  assert.equal(merged.viewer?.canEdit, true);
  assert.equal(merged.viewer?.body, undefined);
  const fromAction = { ...edited, viewer: { ...viewer, body: 'new' } };
  assert.equal(mergePost(old, fromAction).viewer?.body, 'new');
});

test('pinning moves a post into the pinned ones on a wall, unpinning puts it back in date order', () => {
  const [a, b, c] = [post('a'), post('b'), post('c')];
  let s = sections([c, b, a]);
  s = replacePost(s, { ...b, pinnedAt: b.createdAt }, wall);
  assert.deepEqual(s.pinned.map((p) => p.id), ['b']);
  assert.deepEqual(s.posts.map((p) => p.id), ['c', 'a']);
  s = replacePost(s, { ...b, pinnedAt: null }, wall);
  assert.deepEqual(s.pinned, []);
  assert.deepEqual(s.posts.map((p) => p.id), ['c', 'b', 'a']);
});

test('reactions and comment counts move live; a deleted post leaves every section', () => {
  let s = sections([post('p1', { viewer })], [post('p0')]);
  s = applyLiveEvent(s, 'reaction.changed', { postId: 'p1', reactions: { like: 2 }, reactionCount: 2 }, wall);
  assert.deepEqual(s.posts[0]?.reactions, { like: 2 });
  assert.equal(s.posts[0]?.viewer?.reaction, null); // someone else's reaction is not the reader's
  s = applyLiveEvent(s, 'comment.deleted', { postId: 'p1', commentId: 'c1', commentCount: 4 }, wall);
  assert.equal(s.posts[0]?.commentCount, 4);
  s = applyLiveEvent(s, 'post.deleted', { postId: 'p0', groupId: 'g1' }, wall);
  assert.deepEqual(s.pinned, []);
});

test('the reader’s own reaction sets their choice with the counts', () => {
  const reacted = withReaction(post('p1', { viewer }), { postId: 'p1', reactions: { love: 1 }, reactionCount: 1, mine: 'love' });
  assert.equal(reacted.viewer?.reaction, 'love');
  assert.equal(reacted.reactionCount, 1);
});

test('a visitor gets no buttons on a live post; a moderator may delete it', () => {
  const p = post('p1');
  assert.deepEqual(liveViewer(p, { me: null, respond: false, moderate: false, pin: false }), {
    reaction: null, canEdit: false, canDelete: false, canPin: false, canComment: false, canReact: false,
  });
  assert.equal(liveViewer(p, { me: 'sam', respond: true, moderate: true, pin: true }).canDelete, true);
  assert.equal(liveViewer(p, { me: 'lea', respond: true, moderate: false, pin: false }).canEdit, true);
});
