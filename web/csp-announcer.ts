// SvelteKit's root component renders a screen-reader announcer with an inline `style` attribute,
// which a strict `style-src 'self'` blocks. Rather than allow inline styles, the CSP allows that
// one attribute by its hash, computed from the installed SvelteKit so an upgrade cannot drift.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export function announcerStyleHash(): `sha256-${string}` {
  const kit = path.dirname(createRequire(import.meta.url).resolve('@sveltejs/kit/package.json'));
  const root = readFileSync(path.join(kit, 'src/runtime/components/root.svelte'), 'utf8');
  const style = /id="svelte-announcer"[^>]*?style="([^"]*)"/s.exec(root)?.[1];
  if (!style) throw new Error('SvelteKit’s route announcer has no inline style any more: update csp-announcer.ts.');
  return `sha256-${createHash('sha256').update(style).digest('base64')}`;
}
