import { redirect, type RequestEvent } from '@sveltejs/kit';
import type { CreateReplyBody, ForumPost, ReadPosition, Thread, ThreadPage } from '@caucus/shared/schemas/forums.ts';
import { forumFailure } from '#lib/components/forum/forum-errors.server.ts';
import { threadApi, threadHref } from '#lib/components/forum/forum-paths.ts';
import { finish } from '#lib/components/wall/post-actions.server.ts';
import { api, withQuery, type ApiMethod } from '#lib/server/api.ts';
import { failWith, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import { m } from '#lib/paraglide/messages.js';
import { lastPosition } from './thread-changes.ts';
import { threadQuery, wholeNumber } from './thread-query.ts';
import type { Actions, PageServerLoad } from './$types';

// A page of a thread. Its forms work without JavaScript (each action comes back to the page, at the
// post it touched); with JavaScript they answer with the new state, which the page applies in place.

export const load: PageServerLoad = async (event) => {
  const id = event.params.id;
  const query = threadQuery(event.url.searchParams);
  const at = query.jump ?? query.at;
  const path = withQuery(threadApi(id), { at: at?.toString(), after: at === undefined ? query.after?.toString() : undefined });
  const page = expectOk(event, await api<ThreadPage>(event, 'GET', path));
  // "Go to post N" (a GET form) comes back as the page that holds it, scrolled to it: the one way to add the #p-N a form cannot.
  if (query.jump !== undefined) redirect(303, threadHref(id, Math.min(query.jump, page.thread.postCount)));
  // Read up to the last post shown, once the page is known: the marker above still showed what was new.
  const shownUpTo = lastPosition(page.posts);
  if (event.locals.me && shownUpTo > (page.thread.viewer.lastReadPosition ?? 0)) {
    await api<ReadPosition>(event, 'PUT', `${threadApi(id)}/read`, { position: shownUpTo });
  }
  const quote = query.quote !== undefined && query.quote <= page.thread.postCount ? query.quote : null;
  return { page, quoteOf: quote };
};

const threadId = (event: RequestEvent) => event.params.id ?? '';
const postApi = (form: FormData) => `/api/v1/forum-posts/${encodeURIComponent(text(form, 'postId'))}`;

/** Pin, unpin, close, reopen, archive, bring back: each a call that answers with the thread. */
const MODERATION: Record<string, { method: ApiMethod; path: string; body?: unknown }> = {
  'pin-category': { method: 'PUT', path: 'pin', body: { where: 'category' } },
  'pin-forum': { method: 'PUT', path: 'pin', body: { where: 'forum' } },
  unpin: { method: 'DELETE', path: 'pin' },
  close: { method: 'PUT', path: 'close' },
  reopen: { method: 'DELETE', path: 'close' },
  archive: { method: 'PUT', path: 'archive' },
  unarchive: { method: 'DELETE', path: 'archive' },
};

export const actions: Actions = {
  reply: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const quoteOf = wholeNumber(text(form, 'quoteOf'));
    const body: CreateReplyBody = { body: text(form, 'body'), ...(quoteOf !== undefined && { quoteOf }) };
    const res = await api<ForumPost>(event, 'POST', `${threadApi(threadId(event))}/posts`, body);
    if (!res.ok) return forumFailure(event, res, { body: body.body, quoteOf: text(form, 'quoteOf') }, { form: 'reply', fields: ['body', 'quoteOf'], submitted: form });
    const { position } = res.body;
    return finish(form, { post: res.body }, threadHref(threadId(event), position), `#p-${position}`);
  },

  edit: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const postId = text(form, 'postId');
    const res = await api<ForumPost>(event, 'PATCH', postApi(form), { body: text(form, 'body') });
    if (!res.ok) return forumFailure(event, res, { body: text(form, 'body') }, { form: `edit-${postId}`, fields: ['body'], submitted: form });
    return finish(form, { post: res.body }, threadHref(threadId(event)), `#p-${res.body.position}`);
  },

  /** The opening post takes its thread with it: its form comes back to the category instead. */
  delete: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const postId = text(form, 'postId');
    const res = await api(event, 'DELETE', postApi(form));
    if (!res.ok) return forumFailure(event, res, {}, { form: `delete-${postId}`, fields: [] });
    const position = text(form, 'position');
    return finish(form, { deleted: postId }, threadHref(threadId(event)), position === '1' ? '' : `#p-${position}`);
  },

  moderate: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const act = MODERATION[text(form, 'act')];
    if (!act) return failWith(400, {}, m.error_invalid_choice(), 'moderate');
    const res = await api<Thread>(event, act.method, `${threadApi(threadId(event))}/${act.path}`, act.body);
    if (!res.ok) return forumFailure(event, res, {}, { form: 'moderate', fields: [] });
    return finish(form, { thread: res.body }, threadHref(threadId(event)), '#thread-tools');
  },

  /** With JavaScript only: the replies that came live and were shown count as read too. */
  read: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const position = wholeNumber(text(form, 'position'));
    if (position === undefined) return failWith(400, {}, m.error_invalid_input(), 'read');
    const res = await api<ReadPosition>(event, 'PUT', `${threadApi(threadId(event))}/read`, { position });
    if (!res.ok) return forumFailure(event, res, {}, { form: 'read', fields: [] });
    return finish(form, res.body, threadHref(threadId(event)));
  },
};
