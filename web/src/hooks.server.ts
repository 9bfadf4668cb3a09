import { redirect } from '@sveltejs/kit';
import { sequence, type Handle, type HandleServerError } from '@sveltejs/kit/hooks';
import type { PageContext } from '@caucus/shared/schemas/network.ts';
import { paraglideMiddleware } from '#lib/paraglide/server.js';
import { api } from '#lib/server/api.ts';

/**
 * Picks the language (cookie, then Accept-Language, then French) for everything below, and says
 * which one it was: the page cache keeps a page only under the language it was rendered in.
 */
const handleLocale: Handle = ({ event, resolve }) =>
  paraglideMiddleware(event.request, async ({ locale }) => {
    const response = await resolve(event, { transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale) });
    response.headers.set('content-language', locale);
    return response;
  });

/** Loads the network and the signed-in member once, in one API call, for every page and action of this request. */
const handleSession: Handle = async ({ event, resolve }) => {
  const context = await api<PageContext>(event, 'GET', '/api/v1/page-context');
  if (!context.ok) throw new Error(`GET /api/v1/page-context answered ${context.status}`);
  event.locals.network = context.body.network;
  event.locals.me = context.body.viewer;
  return resolve(event);
};

/** Until the owner has run the wizard, every page leads to it; afterwards, the wizard is gone. */
const handleSetup: Handle = ({ event, resolve }) => {
  const path = event.url.pathname;
  const open = path === '/brand.css' || path === '/favicon.svg' || path === '/language';
  if (event.locals.network.setupRequired && path !== '/setup' && !open) redirect(303, '/setup');
  if (!event.locals.network.setupRequired && path === '/setup') redirect(303, '/');
  return resolve(event);
};

// Pages a member who has not chosen a handle yet may still open: the choice itself, leaving, and
// what concerns their account and their data.
const OPEN_BEFORE_HANDLE = /^\/(welcome\/handle|logout|settings(\/.*)?|privacy|language|verify-email|confirm-email|brand\.css|favicon\.svg)$/;

/** A new member chooses their handle before anything else (sign-up takes none: see the welcome page). */
const handleChoice: Handle = ({ event, resolve }) => {
  const me = event.locals.me;
  if (me && !me.handleChosen && !OPEN_BEFORE_HANDLE.test(event.url.pathname)) {
    const back = event.request.method === 'GET' ? event.url.pathname + event.url.search : '/';
    redirect(303, back === '/' ? '/welcome/handle' : `/welcome/handle?redirectTo=${encodeURIComponent(back)}`);
  }
  return resolve(event);
};

/** Headers no page should go without: no referrer with tokens in it, no shared caching. */
const handleHeaders: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('x-content-type-options', 'nosniff');
  if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'private, no-cache');
  return response;
};

export const handle = sequence(handleLocale, handleHeaders, handleSession, handleSetup, handleChoice);

// Unknown errors keep SvelteKit's generic answer (the page shows a translated one); only the log gets the details.
export const handleError: HandleServerError = ({ kind, error }) => {
  if (kind === 'unknown') console.error(error);
};
