// Who may open a page is checked in each page's own server load and action (layouts do not re-run
// on client navigation); the API checks again, and its answer is the one that counts.
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Viewer } from '@caucus/shared/schemas/network.ts';
import type { ApiResponse, ApiSuccess } from './api.ts';
import { m } from '#lib/paraglide/messages.js';

export function loginPath(url: URL): string {
  return `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`;
}

/** The signed-in member, or a trip to the login page that comes back here. */
export function requireMember(event: RequestEvent): Viewer {
  if (!event.locals.me) redirect(303, loginPath(event.url));
  return event.locals.me;
}

export function requireAdmin(event: RequestEvent): Viewer {
  const me = requireMember(event);
  if (me.role !== 'owner' && me.role !== 'admin') error(403, m.error_page_403_text());
  return me;
}

/** For loads: the body of a successful call, or the page that fits the failure. */
export function expectOk<T>(event: RequestEvent, res: ApiResponse<T>): ApiSuccess<T>['body'] {
  if (res.ok) return res.body;
  if (res.status === 401) redirect(303, loginPath(event.url));
  if (res.status === 403) error(403, m.error_page_403_text());
  if (res.status === 404) error(404, m.error_page_404_text());
  if (res.status === 429) error(429, m.error_rate_limited());
  if (res.status === 400) error(400, m.error_bad_request());
  if (res.status === 503) error(503, m.error_unavailable());
  if (res.status === 507) error(507, m.error_disk_full());
  error(500, m.error_internal());
}
