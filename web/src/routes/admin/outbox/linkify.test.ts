import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linkify } from './linkify.ts';

test('web addresses become links, without the punctuation that ends the sentence', () => {
  assert.deepEqual(linkify('Ouvrez http://localhost:3000/verify-email?token=abc. Merci'), [
    { text: 'Ouvrez ' },
    { text: 'http://localhost:3000/verify-email?token=abc', href: 'http://localhost:3000/verify-email?token=abc' },
    { text: '. Merci' },
  ]);
});

test('text without an address is one segment, and other schemes stay text', () => {
  assert.deepEqual(linkify('javascript:alert(1) <b>'), [{ text: 'javascript:alert(1) <b>' }]);
});
