import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionHref, afterHref, quoteHref, threadQuery, unquoteHref, wholeNumber } from './thread-query.ts';

test('only whole numbers in range count; anything else is ignored', () => {
  assert.equal(wholeNumber('12'), 12);
  assert.equal(wholeNumber('0'), undefined);
  assert.equal(wholeNumber('0', 0), 0);
  for (const bad of ['', '-1', '1.5', '1e3', 'abc', '9999999999', null]) assert.equal(wholeNumber(bad), undefined, String(bad));
  assert.deepEqual(threadQuery(new URLSearchParams('after=20&quote=3&at=x')), { after: 20, at: undefined, jump: undefined, quote: 3 });
});

test('quoting without JavaScript keeps the page and puts the reply form in view', () => {
  assert.equal(quoteHref('?after=20', 23), '?after=20&quote=23#reply');
  assert.equal(quoteHref('', 2), '?quote=2#reply');
  assert.equal(unquoteHref('/threads/t1', '?after=20&quote=23'), '/threads/t1?after=20#reply');
  assert.equal(unquoteHref('/threads/t1', '?quote=2'), '/threads/t1#reply');
  assert.equal(quoteHref('?after=20&/reply', 23), '?after=20&quote=23#reply');
});

test('the first page has no `after`', () => {
  assert.equal(afterHref('/threads/t1', 0), '/threads/t1');
  assert.equal(afterHref('/threads/t1', 20), '/threads/t1?after=20');
});

test('a form action keeps the page it was sent from', () => {
  assert.equal(actionHref('', 'reply'), '?/reply');
  assert.equal(actionHref('?after=20&quote=3', 'reply'), '?after=20&quote=3&/reply');
  assert.equal(actionHref('?at=5&/edit', 'reply'), '?at=5&/reply');
});
