import assert from 'node:assert/strict';
import { test } from 'node:test';
import { safeRedirectTarget } from './redirect-target.ts';

test('a path on this site is kept, with its query and fragment', () => {
  assert.equal(safeRedirectTarget('/settings?saved=1#email'), '/settings?saved=1#email');
  assert.equal(safeRedirectTarget('/members/camille'), '/members/camille');
});

test('a path with dot segments is judged once normalized: /.//evil.example does not become //evil.example', () => {
  for (const value of ['/.//evil.example', '/./\\/evil.example', '/a/..//evil.example/x', '/%2e//evil.example', '/.%2e//evil.example', '/.\t//evil.example']) {
    assert.equal(safeRedirectTarget(value), '/', value);
  }
  assert.equal(safeRedirectTarget('/groups/./lyon/../paris?x=1'), '/groups/paris?x=1');
});

test('anything that could leave the site gives the home page', () => {
  for (const value of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', '', null, undefined, 'settings']) {
    assert.equal(safeRedirectTarget(value), '/', String(value));
  }
});
