// The network's colours as a stylesheet from this origin: the CSP forbids inline styles, and a
// rebrand needs no rebuild. Linked from the root layout with a version in its query string.
import type { RequestHandler } from './$types';
import { brandStylesheet, brandVersion } from '#lib/brand.ts';

export const GET: RequestHandler = ({ locals, url }) => {
  const current = url.searchParams.get('v') === brandVersion(locals.network.colors);
  return new Response(brandStylesheet(locals.network.colors), {
    headers: {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': current ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
  });
};
