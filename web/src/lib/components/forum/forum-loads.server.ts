// The loads and the "new thread" action shared by the network's forum (/forum/…) and each group's
// (/groups/<slug>/forum/…): the route files only say which forum they are.
import { redirect, type RequestEvent, type ServerLoadEvent } from '@sveltejs/kit';
import type { CreateThreadBody, Forum, Thread, ThreadList } from '@caucus/shared/schemas/forums.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import { forumFailure } from './forum-errors.server.ts';
import { FORUM_DATA } from './forum-data.ts';
import { categoryThreadsApi, forumApi, threadHref, type ForumRef } from './forum-paths.ts';

const DONE = ['created', 'saved', 'moved'] as const;

/** The forum's categories. Null when the network's forum is closed to this member until they confirm their address. */
export async function loadForumIndex(event: ServerLoadEvent, ref: ForumRef) {
  event.depends(FORUM_DATA);
  const res = await api<Forum>(event, 'GET', forumApi(ref));
  const unverified = !res.ok && res.status === 403 && ref.kind === 'network';
  const done = event.url.searchParams.get('done');
  return {
    forum: unverified ? null : expectOk(event, res),
    done: DONE.find((word) => word === done) ?? null,
  };
}

/**
 * A category's threads, page by page (its active ones, or with `?archived=1` its archived ones),
 * with its parent and subcategories (from the forum's list) for the way around.
 */
export async function loadCategory(event: ServerLoadEvent, ref: ForumRef, categorySlug: string) {
  event.depends(FORUM_DATA);
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const archived = event.url.searchParams.get('archived') === '1';
  const [listRes, forumRes] = await Promise.all([
    api<ThreadList>(event, 'GET', withQuery(categoryThreadsApi(ref, categorySlug), { cursor, archived: archived ? 'true' : undefined })),
    api<Forum>(event, 'GET', forumApi(ref)),
  ]);
  const list = expectOk(event, listRes);
  const categories = forumRes.ok ? forumRes.body.categories : [];
  return {
    list,
    parent: categories.find((category) => category.id === list.category.parentId) ?? null,
    children: categories.filter((category) => category.parentId === list.category.id),
    paged: cursor !== '',
    archived,
  };
}

/** The category a new thread goes in (one thread of it is enough to learn whether this member may start one). */
export async function loadNewThread(event: RequestEvent, ref: ForumRef, categorySlug: string) {
  requireMember(event);
  const list = expectOk(event, await api<ThreadList>(event, 'GET', withQuery(categoryThreadsApi(ref, categorySlug), { limit: '1' })));
  return { scope: list.scope, category: list.category };
}

export async function createThread(event: RequestEvent, ref: ForumRef, categorySlug: string) {
  requireMember(event);
  const form = await event.request.formData();
  const body: CreateThreadBody = { title: text(form, 'title'), body: text(form, 'body') };
  const res = await api<Thread>(event, 'POST', categoryThreadsApi(ref, categorySlug), body);
  if (!res.ok) return forumFailure(event, res, { ...body }, { form: 'thread', fields: ['title', 'body'], submitted: form });
  redirect(303, threadHref(res.body.id));
}
