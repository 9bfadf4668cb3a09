// Where a visitor was going when they chose to sign up (an invitation link, a group): kept in a
// short-lived cookie through the e-mail verification, so that the "log in" link after it leads
// back there. Same browser only; elsewhere the member simply lands on the home page.
import type { RequestEvent } from '@sveltejs/kit';
import { safeRedirectTarget } from './redirect-target.ts';

const COOKIE = 'caucus_next';
const cookieOptions = (event: RequestEvent) =>
  ({ path: '/', httpOnly: true, sameSite: 'lax', secure: event.url.protocol === 'https:' }) as const;

export function rememberNext(event: RequestEvent, target: string | null): void {
  const path = safeRedirectTarget(target);
  if (path !== '/') event.cookies.set(COOKIE, path, { ...cookieOptions(event), maxAge: 60 * 60 * 24 * 2 });
}

/** The path remembered at sign-up, or '/' ; `forget` once the member is on their way. */
export function rememberedNext(event: RequestEvent, options: { forget?: boolean } = {}): string {
  const path = safeRedirectTarget(event.cookies.get(COOKIE));
  if (options.forget && path !== '/') event.cookies.delete(COOKIE, cookieOptions(event));
  return path;
}
