import assert from 'node:assert/strict';
import { test } from 'node:test';
import { placeholderUrl, sources } from './placeholder.ts';

test('the placeholder is drawn only when it is an image data URL', () => {
  const webp = 'data:image/webp;base64,UklGRkQAAABXRUJQVlA4IDgAAADQAQCdASoHAAUAAUAmJaQAA3AA/v02aAA=';
  assert.equal(placeholderUrl(webp), webp);
  assert.equal(placeholderUrl(null), null);
  assert.equal(placeholderUrl('javascript:alert(1)'), null);
  assert.equal(placeholderUrl('data:text/html;base64,PHNjcmlwdD4='), null);
  assert.equal(placeholderUrl('data:image/svg+xml;base64,PHN2Zz4='), null);
});

test('the variants make a srcset, with a middle one as the fallback', () => {
  const variants = [320, 640, 1280].map((width) => ({ url: `/media/k/w${width}.webp`, width }));
  assert.deepEqual(sources(variants), { src: '/media/k/w640.webp', srcset: '/media/k/w320.webp 320w, /media/k/w640.webp 640w, /media/k/w1280.webp 1280w' });
  assert.deepEqual(sources(variants.slice(0, 1)), { src: '/media/k/w320.webp', srcset: '/media/k/w320.webp 320w' });
});
