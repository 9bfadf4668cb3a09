// The network's colours as a stylesheet from this origin: the CSP forbids inline styles, and a
// rebrand needs no rebuild. Linked from the root layout with a version in its query string.
import type { RequestHandler } from './$types';
import { brandVersion } from '#lib/brand.ts';

const HEX = /^#[0-9a-f]{6}$/i;

export const GET: RequestHandler = ({ locals, url }) => {
  const { primary, accent } = locals.network.colors;
  const current = url.searchParams.get('v') === brandVersion(locals.network.colors);
  const css = [
    ':root {',
    HEX.test(primary) && `  --color-primary: ${primary};\n  --color-on-primary: ${readableOn(primary)};`,
    HEX.test(accent) && `  --color-accent: ${accent};\n  --color-on-accent: ${readableOn(accent)};`,
    '}',
    '',
  ]
    .filter(Boolean)
    .join('\n');
  return new Response(css, {
    headers: {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': current ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
  });
};

/** Black or white text, whichever contrasts more with the colour (WCAG relative luminance). */
function readableOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? '#111111' : '#ffffff';
}
