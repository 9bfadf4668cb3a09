import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Comment } from '@caucus/shared/schemas/posts.ts';
import { addComment, hasComment, removeComment, updateComment, type Thread } from './comment-changes.ts';

function comment(id: string, parentId: string | null = null, extra: Partial<Comment> = {}): Comment {
  return {
    id,
    postId: 'p1',
    parentId,
    author: { id: 'a1', handle: 'lea', displayName: 'Léa' },
    bodyHtml: `<p>${id}</p>`,
    createdAt: '2026-11-23T10:00:00.000Z',
    editedAt: null,
    deleted: false,
    ...extra,
  };
}

test('a comment goes last, a reply under its comment, each once however many times it arrives', () => {
  let threads: Thread[] = [{ comment: comment('c1'), replies: [] }];
  threads = addComment(threads, comment('c2'));
  threads = addComment(threads, comment('r1', 'c1'));
  threads = addComment(threads, comment('r1', 'c1'));
  threads = addComment(threads, comment('c2'));
  assert.deepEqual(threads.map((t) => t.comment.id), ['c1', 'c2']);
  assert.deepEqual(threads[0]?.replies.map((r) => r.id), ['r1']);
});

test('a deleted comment with replies stays as a placeholder without its text; without replies it goes', () => {
  let threads: Thread[] = [
    { comment: comment('c1'), replies: [comment('r1', 'c1')] },
    { comment: comment('c2'), replies: [] },
  ];
  threads = removeComment(threads, 'c1');
  threads = removeComment(threads, 'c2');
  assert.equal(threads.length, 1);
  assert.equal(threads[0]?.comment.deleted, true);
  assert.equal(threads[0]?.comment.bodyHtml, '');
  assert.equal(hasComment(threads, 'c1'), false);
  assert.equal(hasComment(threads, 'r1'), true);
  threads = removeComment(threads, 'r1');
  assert.deepEqual(threads[0]?.replies, []);
});

test('a live edit keeps the reader’s rights, an action’s answer brings its own', () => {
  const rights = { canEdit: true, canDelete: true, body: 'raw' };
  let threads: Thread[] = [{ comment: comment('c1', null, { viewer: rights }), replies: [] }];
  threads = updateComment(threads, comment('c1', null, { bodyHtml: '<p>new</p>' }));
  assert.equal(threads[0]?.comment.bodyHtml, '<p>new</p>');
  assert.equal(threads[0]?.comment.viewer?.canEdit, true);
  assert.equal(threads[0]?.comment.viewer?.body, undefined);
  threads = updateComment(threads, comment('c1', null, { viewer: { ...rights, body: 'new' } }));
  assert.equal(threads[0]?.comment.viewer?.body, 'new');
});
