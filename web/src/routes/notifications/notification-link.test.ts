import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notification } from '@caucus/shared/schemas/notifications.ts';
import { notificationHref } from './notification-link.ts';

const base: Notification = {
  id: 'n1', kind: 'comment', actor: null, actorCount: 1, group: null, postId: null, commentId: null,
  excerpt: '', read: false, createdAt: '2026-11-23T10:00:00.000Z', updatedAt: '2026-11-23T10:00:00.000Z',
};

test('a notification about a post leads to it, at the comment when there is one', () => {
  assert.equal(notificationHref({ ...base, postId: 'p1' }), '/posts/p1');
  assert.equal(notificationHref({ ...base, kind: 'reply', postId: 'p1', commentId: 'c2' }), '/posts/p1#comment-c2');
});

test('a join request leads organizers to the members tab; other group notices to the group', () => {
  const group = { slug: 'lyon', name: 'Lyon' };
  assert.equal(notificationHref({ ...base, kind: 'join_request', group }), '/groups/lyon/members');
  assert.equal(notificationHref({ ...base, kind: 'request_approved', group }), '/groups/lyon');
  assert.equal(notificationHref({ ...base, kind: 'invitation', group }), '/groups/lyon');
});

test('nothing left to show (the post became unreadable) gives no link', () => {
  assert.equal(notificationHref({ ...base, kind: 'mention' }), null);
});
