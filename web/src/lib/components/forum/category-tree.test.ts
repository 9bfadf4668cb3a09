import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForumCategory, ForumPost } from '@caucus/shared/schemas/forums.ts';
import { applyPostCreated, branchTotals, categoryTree, reorder, type PostCreated } from './category-tree.ts';

function category(id: string, extra: Partial<ForumCategory> = {}): ForumCategory {
  return {
    id, parentId: null, slug: id, name: id, description: '', position: 0,
    access: { read: 'members', start: 'members', reply: 'members' },
    threadCount: 2, postCount: 10, lastActivityAt: null, viewer: { canStart: true }, ...extra,
  };
}

function created(categoryId: string, author: string, postCount: number): PostCreated {
  const post: ForumPost = {
    id: `post-${postCount}`, threadId: 't1', position: postCount, author: { id: author, handle: author, displayName: author },
    bodyHtml: '<p>x</p>', quote: null, createdAt: '2026-12-01T10:00:00.000Z', editedAt: null, deleted: false, reactions: {},
  };
  return { post, threadId: 't1', categoryId, postCount, lastPostAt: '2026-12-01T10:00:00.000Z' };
}

test('subcategories go under their parent, in the API’s order; a child whose parent is missing stands alone', () => {
  const tree = categoryTree([category('a'), category('a1', { parentId: 'a' }), category('b'), category('a2', { parentId: 'a' }), category('lost', { parentId: 'gone' })]);
  assert.deepEqual(tree.map((branch) => [branch.category.id, branch.children.map((child) => child.id)]), [['a', ['a1', 'a2']], ['b', []], ['lost', []]]);
});

test('a main category counts its whole branch: threads, posts, unread threads, the latest activity', () => {
  const parent = category('a', { threadCount: 0, postCount: 0, unreadThreads: 0 });
  const children = [
    category('a1', { parentId: 'a', unreadThreads: 1, lastActivityAt: '2026-12-01T10:00:00.000Z' }),
    category('a2', { parentId: 'a', unreadThreads: 2, lastActivityAt: '2026-12-02T10:00:00.000Z' }),
  ];
  assert.deepEqual(branchTotals(parent, children), { threadCount: 4, postCount: 20, lastActivityAt: '2026-12-02T10:00:00.000Z', unreadThreads: 3 });
  // A visitor's categories have no unread counts: none is made up.
  assert.deepEqual(branchTotals(category('b'), []), { threadCount: 2, postCount: 10, lastActivityAt: null });
});

test('a new thread by someone else: one more thread, post and unread thread, and the time of its post', () => {
  const categories = [category('a', { unreadThreads: 0 }), category('b', { unreadThreads: 1 })];
  const { categories: after, recount } = applyPostCreated(categories, created('b', 'lea', 1), 'sam');
  assert.equal(recount, false);
  assert.deepEqual(after[1], { ...categories[1], threadCount: 3, postCount: 11, unreadThreads: 2, lastActivityAt: '2026-12-01T10:00:00.000Z' });
  assert.equal(after[0], categories[0]);
});

test('a reply moves the counts and asks the server whether a thread became unread', () => {
  const categories = [category('a', { unreadThreads: 1 })];
  const { categories: after, recount } = applyPostCreated(categories, created('a', 'lea', 5), 'sam');
  assert.equal(recount, true);
  assert.equal(after[0]?.threadCount, 2);
  assert.equal(after[0]?.postCount, 11);
  assert.equal(after[0]?.unreadThreads, 1);
});

test('my own new thread is not unread; a visitor has no unread counts to ask for', () => {
  assert.equal(applyPostCreated([category('a', { unreadThreads: 0 })], created('a', 'sam', 1), 'sam').categories[0]?.unreadThreads, 0);
  const visitor = applyPostCreated([category('a')], created('a', 'lea', 4), null);
  assert.equal(visitor.recount, false);
  assert.equal(visitor.categories[0]?.unreadThreads, undefined);
});

test('a post of another forum changes nothing', () => {
  const categories = [category('a')];
  const result = applyPostCreated(categories, created('elsewhere', 'lea', 1), 'sam');
  assert.equal(result.categories, categories);
  assert.equal(result.recount, false);
});

test('moving a category rewrites only the positions that change, even from equal ones', () => {
  const siblings = [{ id: 'a', position: 0 }, { id: 'b', position: 1 }, { id: 'c', position: 2 }];
  assert.deepEqual(reorder(siblings, 'c', -1), [{ id: 'c', position: 1 }, { id: 'b', position: 2 }]);
  assert.deepEqual(reorder(siblings, 'a', 1), [{ id: 'b', position: 0 }, { id: 'a', position: 1 }]);
  assert.deepEqual(reorder(siblings, 'a', -1), []);
  assert.deepEqual(reorder(siblings, 'c', 1), []);
  const tied = [{ id: 'a', position: 0 }, { id: 'b', position: 0 }, { id: 'c', position: 0 }];
  assert.deepEqual(reorder(tied, 'c', -1), [{ id: 'c', position: 1 }, { id: 'b', position: 2 }]);
});
