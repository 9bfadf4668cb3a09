// The tab icon: the network's initial on its main colour, so a rebrand needs no new file.
import type { RequestHandler } from './$types';
import { brandVersion } from '#lib/brand.ts';

const HEX = /^#[0-9a-f]{6}$/i;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export const GET: RequestHandler = ({ locals, url }) => {
  const { name, colors } = locals.network;
  const fill = HEX.test(colors.primary) ? colors.primary : '#1f3a8a';
  const initial = (Array.from(name.trim())[0] ?? 'C').toLocaleUpperCase();
  const letter = initial.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="${fill}"/><text x="32" y="44" font-family="system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif" font-size="36" font-weight="700" text-anchor="middle" fill="#fff">${letter}</text></svg>`;
  const current = url.searchParams.get('v') === brandVersion(colors) + encodeURIComponent(initial);
  return new Response(svg, {
    headers: {
      'content-type': 'image/svg+xml',
      'cache-control': current ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
  });
};
