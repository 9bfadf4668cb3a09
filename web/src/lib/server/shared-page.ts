import type { RequestEvent } from '@sveltejs/kit';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';

/**
 * Lets the server's page cache (server/src/core/page-cache.ts) and a CDN keep this answer a few
 * seconds: call it only where a visitor without a session sees what every such visitor sees (a
 * public group, the landing page). Anyone with a session cookie, valid or not, keeps the default
 * `private, no-cache` (hooks.server.ts).
 */
export function shareWithVisitors(event: RequestEvent): void {
  // The request's own cookies: `event.cookies` forgets a stale session once the API has cleared it.
  const sentSession = (event.request.headers.get('cookie') ?? '').split(';').some((part) => part.trim().startsWith(`${SESSION_COOKIE}=`));
  if (event.locals.me !== null || sentSession || event.request.headers.has('authorization')) return;
  event.setHeaders({ 'cache-control': 'public, max-age=0, s-maxage=5', vary: 'Cookie, Accept-Language' });
}
