import assert from 'node:assert/strict';
import { test } from 'node:test';
import { categoryHref, categoryThreadsApi, forumApi, forumHref, newThreadHref, refOf, threadHref } from './forum-paths.ts';

test('the network’s forum and a group’s share their paths but for the prefix', () => {
  const group = refOf({ kind: 'group', group: { id: 'g', slug: 'lyon-en-commun', name: 'Lyon', visibility: 'public' } });
  assert.equal(forumHref(refOf({ kind: 'network' })), '/forum');
  assert.equal(forumHref(group), '/groups/lyon-en-commun/forum');
  assert.equal(categoryHref(group, 'debats'), '/groups/lyon-en-commun/forum/debats');
  assert.equal(newThreadHref({ kind: 'network' }, 'logement'), '/forum/logement/new');
  assert.equal(forumApi(group), '/api/v1/groups/lyon-en-commun/forum');
  assert.equal(categoryThreadsApi({ kind: 'network' }, 'a b'), '/api/v1/forum/categories/a%20b/threads');
});

test('a post’s address is the page that holds it, scrolled to it', () => {
  assert.equal(threadHref('t1'), '/threads/t1');
  assert.equal(threadHref('t1', 42), '/threads/t1?at=42#p-42');
});
