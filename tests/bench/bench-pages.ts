// The group wall page rendered by SvelteKit: signed in beside the SvelteKit ceiling
// (sveltekit-ceiling/, the same markup from one pg query), anonymously against an absolute target,
// and its weight in HTML.
import { measure } from './lib.ts';
import type { Cast } from './setup.ts';
import { absolute, againstCeiling, withNote, type Row } from './table.ts';

export interface PageTarget { caucus: string; sveltekitCeiling: string; connections: number }

const PAGE_WEIGHT_LIMIT = 30 * 1024;

async function html(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

export async function pageRows(target: PageTarget, cast: Cast): Promise<{ rows: Row[]; weight: Row }> {
  const path = `/groups/${cast.bigGroup.slug}`;
  // Read by a plain member of the group: the composer, and reactions on every post.
  const reader = cast.pageReader;
  const ceilingUrl = `${target.sveltekitCeiling}${path}?member=${reader.id}`;
  const caucusBytes = Buffer.byteLength(await html(`${target.caucus}${path}`, { cookie: reader.cookie }));
  const ceilingBytes = Buffer.byteLength(await html(ceilingUrl));
  const anonymousBytes = Buffer.byteLength(await html(`${target.caucus}${path}`));

  const ceiling = await measure(ceilingUrl, { connections: target.connections });
  const signedIn = await measure(`${target.caucus}${path}`, { connections: target.connections, headers: { cookie: reader.cookie } });
  const anonymous = await measure(`${target.caucus}${path}`, { connections: target.connections });
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  return {
    rows: [
      withNote(againstCeiling('group wall page, signed in as a member (SSR)', signedIn, ceiling, 0.7), `HTML ${kb(caucusBytes)}; the SvelteKit ceiling's ${kb(ceilingBytes)}`),
      withNote(absolute('group wall page, anonymous (public group)', anonymous, null, 2000), `HTML ${kb(anonymousBytes)}`),
    ],
    weight: {
      work: 'page weight: group wall, 20 posts, a member', requestsPerSecond: null, p50Ms: null, p99Ms: null,
      ceiling: kb(ceilingBytes), ratio: +(caucusBytes / ceilingBytes).toFixed(2), target: `≤ ${kb(PAGE_WEIGHT_LIMIT)} of HTML`,
      met: caucusBytes <= PAGE_WEIGHT_LIMIT, note: `Caucus ${kb(caucusBytes)} (${caucusBytes} bytes), anonymous ${kb(anonymousBytes)}; ceiling column: the SvelteKit ceiling's page`,
    },
  };
}
