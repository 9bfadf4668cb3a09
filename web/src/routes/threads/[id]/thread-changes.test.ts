import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForumPost } from '@caucus/shared/schemas/forums.ts';
import { appendOwn, firstUnread, lastPosition, mergePost, postCreated, postDeleted, postUpdated, showIncoming, type LiveOptions, type ThreadState } from './thread-changes.ts';

const lea = { id: 'u-lea', handle: 'lea', displayName: 'Léa' };
const sam = { id: 'u-sam', handle: 'sam', displayName: 'Sam' };

function post(position: number, extra: Partial<ForumPost> = {}): ForumPost {
  return {
    id: `p${position}`, threadId: 't1', position, author: lea, bodyHtml: `<p>${position}</p>`, quote: null,
    createdAt: '2026-12-01T10:00:00.000Z', editedAt: null, deleted: false, reactions: {}, ...extra,
  };
}
const state = (posts: ForumPost[]): ThreadState => ({ posts, incoming: [], gone: false });
const created = (p: ForumPost, threadId = 't1') => ({ post: p, threadId, categoryId: 'c1', postCount: p.position, lastPostAt: p.createdAt });
const reader: LiveOptions = { threadId: 't1', me: 'sam', canModerate: false, follow: true };

test('a live reply joins the end when the reader follows it, else waits; twice is once', () => {
  const followed = postCreated(state([post(1)]), created(post(2)), reader);
  assert.deepEqual(followed.posts.map((p) => p.position), [1, 2]);
  assert.deepEqual(followed.posts[1]?.viewer, { canEdit: false, canDelete: false, bookmarked: false });
  assert.equal(postCreated(followed, created(post(2)), reader), followed);
  const held = postCreated(state([post(1)]), created(post(2)), { ...reader, follow: false });
  assert.deepEqual([held.posts.length, held.incoming.length], [1, 1]);
  // Once some wait, the next waits too: the page never shows 4 before 3.
  const next = postCreated(held, created(post(3)), reader);
  assert.deepEqual(next.incoming.map((p) => p.position), [2, 3]);
  assert.deepEqual(showIncoming(next).posts.map((p) => p.position), [1, 2, 3]);
});

test('replies in other threads are not this page’s; a moderator may delete a live reply; a visitor gets no rights', () => {
  const start = state([post(1)]);
  assert.equal(postCreated(start, created(post(2), 't2'), reader), start);
  assert.deepEqual(postCreated(start, created(post(2)), { ...reader, canModerate: true }).posts[1]?.viewer, { canEdit: false, canDelete: true, bookmarked: false });
  assert.deepEqual(postCreated(start, created(post(2, { author: sam })), reader).posts[1]?.viewer, { canEdit: false, canDelete: true, bookmarked: false });
  assert.equal(postCreated(start, created(post(2)), { ...reader, me: null }).posts[1]?.viewer, undefined);
});

test('the reader’s own reply from the form is added once, even if its live event came first', () => {
  const mine = post(2, { author: sam, viewer: { canEdit: true, canDelete: true, bookmarked: false, body: 'x' } });
  const afterLive = postCreated(state([post(1)]), created(post(2, { author: sam })), reader);
  assert.equal(appendOwn(afterLive, mine).posts.length, 2);
  assert.deepEqual(appendOwn(state([post(1)]), mine).posts[1], mine);
});

test('an edit changes the text in place; a live one keeps the reader’s rights but not a stale raw text', () => {
  const own = post(2, { viewer: { canEdit: true, canDelete: true, bookmarked: false, body: 'old' } });
  const edited = post(2, { bodyHtml: '<p>new</p>', editedAt: '2026-12-01T11:00:00.000Z' });
  const after = postUpdated(state([post(1), own]), edited);
  assert.equal(after.posts[1]?.bodyHtml, '<p>new</p>');
  assert.deepEqual(after.posts[1]?.viewer, { canEdit: true, canDelete: true, bookmarked: false, body: undefined });
  assert.deepEqual(mergePost(own, { ...edited, viewer: { canEdit: true, canDelete: true, bookmarked: false, body: 'new' } }).viewer?.body, 'new');
  const untouched = state([post(1)]);
  assert.equal(postUpdated(untouched, post(9)), untouched);
});

test('a deleted reply keeps its number, empty, and the replies quoting it lose the excerpt; the opening post takes the thread', () => {
  const quoting = post(3, { quote: { postId: 'p2', position: 2, author: lea, excerpt: 'deux' } });
  const after = postDeleted(state([post(1), post(2, { viewer: { canEdit: true, canDelete: true, bookmarked: false } }), quoting]), { threadId: 't1', postId: 'p2' }, 't1');
  assert.deepEqual([after.posts[1]?.deleted, after.posts[1]?.bodyHtml, after.posts[1]?.viewer], [true, '', undefined]);
  assert.equal(after.posts[2]?.quote?.excerpt, '');
  assert.equal(after.gone, false);
  assert.equal(postDeleted(state([post(1), post(2)]), { threadId: 't1', postId: 'p1' }, 't1').gone, true);
  const waiting: ThreadState = { posts: [post(1)], incoming: [post(2)], gone: false };
  assert.deepEqual(postDeleted(waiting, { threadId: 't1', postId: 'p2' }, 't1').incoming, []);
});

test('the unread marker goes before the first post after the last one read, never on a first visit', () => {
  const posts = [post(21), post(22), post(23)];
  assert.equal(firstUnread(posts, 21), 22);
  assert.equal(firstUnread(posts, 0), undefined);
  assert.equal(firstUnread(posts, undefined), undefined);
  assert.equal(firstUnread(posts, 23), undefined);
  assert.equal(lastPosition(posts), 23);
  assert.equal(lastPosition([]), 0);
});
