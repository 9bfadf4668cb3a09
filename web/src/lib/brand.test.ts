import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brandStylesheet, brandVersion, readableOn } from './brand.ts';

test('text on a colour is white on dark colours and near-black on light ones', () => {
  assert.equal(readableOn('#1f3a8a'), '#ffffff');
  assert.equal(readableOn('#c8102e'), '#ffffff');
  assert.equal(readableOn('#f4a259'), '#111111');
  assert.equal(readableOn('#ffffff'), '#111111');
});

test('the stylesheet sets both colours and ignores a value that is not #rrggbb', () => {
  const css = brandStylesheet({ primary: '#0B6E4F', accent: 'red;}body{display:none' });
  assert.match(css, /--color-primary: #0B6E4F;/);
  assert.doesNotMatch(css, /accent/);
  assert.doesNotMatch(css, /display/);
});

test('the version changes with the colours', () => {
  assert.equal(brandVersion({ primary: '#C8102E', accent: '#1d3557' }), 'c8102e1d3557');
});
