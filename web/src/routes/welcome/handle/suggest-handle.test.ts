import assert from 'node:assert/strict';
import { test } from 'node:test';
import { suggestHandle } from './suggest-handle.ts';

test('a display name gives a valid handle: no accents, no spaces, no dashes', () => {
  assert.equal(suggestHandle('Léa Dupont-Marie'), 'lea_dupont_marie');
  assert.equal(suggestHandle('  Nadia   Haddad  '), 'nadia_haddad');
  assert.match(suggestHandle('Jean-Baptiste de La Fontaine-Saint-Éloi du Mont'), /^[a-z0-9_]{3,30}$/);
});

test('too little left gives no suggestion', () => {
  assert.equal(suggestHandle('É'), '');
  assert.equal(suggestHandle('李小龙'), '');
});
