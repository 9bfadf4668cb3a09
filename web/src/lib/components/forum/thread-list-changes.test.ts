import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForumPost, ThreadSummary } from '@caucus/shared/schemas/forums.ts';
import type { PostCreated } from './category-tree.ts';
import { applyPostToThreads, unreadPosition, type ThreadSections } from './thread-list-changes.ts';

const lea = { id: 'u-lea', handle: 'lea', displayName: 'Léa' };
const sam = { id: 'u-sam', handle: 'sam', displayName: 'Sam' };

function thread(id: string, extra: Partial<ThreadSummary> = {}): ThreadSummary {
  return {
    id, categoryId: 'c1', title: id, author: lea, createdAt: '2026-12-01T09:00:00.000Z', postCount: 3, lastPostAt: '2026-12-01T09:00:00.000Z',
    lastPoster: lea, pinned: null, closed: false, archived: false, lastReadPosition: 3, unreadPosts: 0, ...extra,
  };
}

function reply(threadId: string, author: typeof lea, position: number, categoryId = 'c1'): PostCreated {
  const post: ForumPost = {
    id: `${threadId}-${position}`, threadId, position, author, bodyHtml: '<p>x</p>', quote: null,
    createdAt: '2026-12-01T10:00:00.000Z', editedAt: null, deleted: false, reactions: {},
  };
  return { post, threadId, categoryId, postCount: position, lastPostAt: '2026-12-01T10:00:00.000Z' };
}

const sections = (threads: ThreadSummary[], pinned: ThreadSummary[] = []): ThreadSections => ({ pinned, threads });
const firstPage = { categoryId: 'c1', firstPage: true, me: 'sam' };

test('a reply by someone else: the thread rises to the top with its new count, last poster and one more unread post', () => {
  const { sections: after, reload } = applyPostToThreads(sections([thread('t1'), thread('t2')]), reply('t2', lea, 4), firstPage);
  assert.equal(reload, false);
  assert.deepEqual(after.threads.map((t) => t.id), ['t2', 't1']);
  assert.deepEqual(after.threads[0], { ...thread('t2'), postCount: 4, lastPostAt: '2026-12-01T10:00:00.000Z', lastPoster: lea, lastReadPosition: 3, unreadPosts: 1 });
});

test('my own reply is read; a pinned thread changes where it is; an older page keeps its order', () => {
  const mine = applyPostToThreads(sections([thread('t1')]), reply('t1', sam, 4), firstPage).sections.threads[0];
  assert.equal(mine?.unreadPosts, 0);
  assert.equal(mine?.lastReadPosition, 4);
  const pinned = applyPostToThreads(sections([thread('t1')], [thread('p1', { pinned: 'category' })]), reply('p1', lea, 4), firstPage).sections;
  assert.deepEqual([pinned.pinned[0]?.unreadPosts, pinned.threads[0]?.id], [1, 't1']);
  const older = applyPostToThreads(sections([thread('t1'), thread('t2')]), reply('t2', lea, 4), { ...firstPage, firstPage: false }).sections;
  assert.deepEqual(older.threads.map((t) => t.id), ['t1', 't2']);
});

test('a thread the page does not hold needs the server on the first page only, and only for this category', () => {
  assert.equal(applyPostToThreads(sections([thread('t1')]), reply('new', lea, 1), firstPage).reload, true);
  assert.equal(applyPostToThreads(sections([thread('t1')]), reply('new', lea, 1), { ...firstPage, firstPage: false }).reload, false);
  assert.equal(applyPostToThreads(sections([thread('t1')]), reply('new', lea, 1, 'c2'), firstPage).reload, false);
});

test('a visitor’s rows have no reading state to move', () => {
  const visitor = thread('t1', { lastReadPosition: undefined, unreadPosts: undefined });
  const after = applyPostToThreads(sections([visitor]), reply('t1', lea, 4), { ...firstPage, me: null }).sections.threads[0];
  assert.equal(after?.unreadPosts, undefined);
  assert.equal(after?.postCount, 4);
});

test('a title leads to the first unread post once the reader has read some', () => {
  assert.equal(unreadPosition({ lastReadPosition: 3, unreadPosts: 2 }), 4);
  assert.equal(unreadPosition({ lastReadPosition: 0, unreadPosts: 5 }), undefined);
  assert.equal(unreadPosition({ lastReadPosition: 5, unreadPosts: 0 }), undefined);
  assert.equal(unreadPosition({}), undefined);
});
