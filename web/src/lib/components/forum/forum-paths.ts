// Where a forum's pages and API routes are: the network's forum lives at /forum, a group's under
// the group's address. Every page and action builds its links and API paths here, from one value.
import type { ForumScope } from '@caucus/shared/schemas/forums.ts';

/** Which forum a page shows: the network's, or a group's by its address. */
export type ForumRef = { kind: 'network' } | { kind: 'group'; slug: string };

export const NETWORK_FORUM: ForumRef = { kind: 'network' };

export function refOf(scope: ForumScope): ForumRef {
  return scope.kind === 'group' ? { kind: 'group', slug: scope.group.slug } : NETWORK_FORUM;
}

const groupPath = (slug: string) => `/groups/${encodeURIComponent(slug)}`;

/** The forum's index page: `/forum` or `/groups/<slug>/forum`. */
export function forumHref(ref: ForumRef): string {
  return ref.kind === 'group' ? `${groupPath(ref.slug)}/forum` : '/forum';
}

export function categoryHref(ref: ForumRef, categorySlug: string): string {
  return `${forumHref(ref)}/${encodeURIComponent(categorySlug)}`;
}

export function newThreadHref(ref: ForumRef, categorySlug: string): string {
  return `${categoryHref(ref, categorySlug)}/new`;
}

/** A thread, or the page of it that holds post `position`, scrolled to that post. */
export function threadHref(threadId: string, position?: number): string {
  const base = `/threads/${encodeURIComponent(threadId)}`;
  return position === undefined ? base : `${base}?at=${position}#p-${position}`;
}

/** The forum's API: `/api/v1/forum` or `/api/v1/groups/<slug>/forum`. */
export function forumApi(ref: ForumRef): string {
  return `/api/v1${forumHref(ref)}`;
}

export function categoryThreadsApi(ref: ForumRef, categorySlug: string): string {
  return `${forumApi(ref)}/categories/${encodeURIComponent(categorySlug)}/threads`;
}

export function threadApi(threadId: string): string {
  return `/api/v1/threads/${encodeURIComponent(threadId)}`;
}
