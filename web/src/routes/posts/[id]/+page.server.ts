import type { RequestEvent } from '@sveltejs/kit';
import { REACTION_KINDS, type ReactionKind } from '@caucus/shared/constants.ts';
import type { Comment, CommentBody, CommentPage, Post, PostBody, ReactionState } from '@caucus/shared/schemas/posts.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { failFromApi, failWith, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import { finish } from '#lib/components/wall/post-actions.server.ts';
import { m } from '#lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

// One post with its comments. Its actions serve every page that shows posts (the feed, walls,
// hashtags): their forms post here and come back to where they were (`redirectTo`).

export const load: PageServerLoad = async (event) => {
  const id = encodeURIComponent(event.params.id);
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const [postResponse, commentsResponse] = await Promise.all([
    api<Post>(event, 'GET', `/api/v1/posts/${id}`),
    api<CommentPage>(event, 'GET', withQuery(`/api/v1/posts/${id}/comments`, { cursor })),
  ]);
  const post = expectOk(event, postResponse);
  return {
    post,
    comments: expectOk(event, commentsResponse),
    paged: cursor !== '',
    editing: event.url.searchParams.has('edit') && post.viewer?.canEdit === true,
  };
};

const here = (event: RequestEvent) => `/posts/${event.params.id ?? ''}`;
const postPath = (event: RequestEvent) => `/api/v1/posts/${encodeURIComponent(event.params.id ?? '')}`;
const commentPath = (form: FormData) => `/api/v1/comments/${encodeURIComponent(text(form, 'commentId'))}`;

export const actions: Actions = {
  react: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const kind = text(form, 'kind');
    if (!REACTION_KINDS.includes(kind as ReactionKind)) return failWith(400, {}, m.error_invalid_choice(), `react-${event.params.id}`);
    // Choosing one's current reaction again takes it back.
    const res = kind === text(form, 'mine')
      ? await api<ReactionState>(event, 'DELETE', `${postPath(event)}/reaction`)
      : await api<ReactionState>(event, 'PUT', `${postPath(event)}/reaction`, { kind });
    if (!res.ok) return failFromApi(event, res, {}, { form: `react-${event.params.id}`, fields: [] });
    return finish(form, { reaction: res.body }, here(event), `#post-${event.params.id}`);
  },

  comment: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const parentId = text(form, 'parentId');
    const body: CommentBody = { body: text(form, 'body'), ...(parentId && { parentId }) };
    const formName = parentId ? `reply-${parentId}` : 'comment';
    const res = await api<Comment>(event, 'POST', `${postPath(event)}/comments`, body);
    if (!res.ok) return failFromApi(event, res, { body: body.body }, { form: formName, fields: ['body'], submitted: form });
    return finish(form, { comment: res.body }, here(event), `#comment-${res.body.id}`);
  },

  edit: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const body: PostBody = { body: text(form, 'body') };
    const res = await api<Post>(event, 'PATCH', postPath(event), body);
    if (!res.ok) return failFromApi(event, res, { body: body.body }, { form: `edit-${event.params.id}`, fields: ['body'], submitted: form });
    return finish(form, { post: res.body }, here(event), `#post-${event.params.id}`);
  },

  delete: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const res = await api(event, 'DELETE', postPath(event));
    if (!res.ok) return failFromApi(event, res, {}, { form: `delete-${event.params.id}`, fields: [] });
    return finish(form, { deleted: event.params.id }, '/');
  },

  pin: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const res = await api<Post>(event, text(form, 'pinned') === 'true' ? 'DELETE' : 'PUT', `${postPath(event)}/pin`);
    if (!res.ok) return failFromApi(event, res, {}, { form: `pin-${event.params.id}`, fields: [] });
    return finish(form, { post: res.body }, here(event), `#post-${event.params.id}`);
  },

  editComment: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const commentId = text(form, 'commentId');
    const body = { body: text(form, 'body') };
    const res = await api<Comment>(event, 'PATCH', commentPath(form), body);
    if (!res.ok) return failFromApi(event, res, { body: body.body }, { form: `edit-comment-${commentId}`, fields: ['body'], submitted: form });
    return finish(form, { comment: res.body }, here(event), `#comment-${commentId}`);
  },

  deleteComment: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const commentId = text(form, 'commentId');
    const res = await api(event, 'DELETE', commentPath(form));
    if (!res.ok) return failFromApi(event, res, {}, { form: `delete-comment-${commentId}`, fields: [] });
    return finish(form, { deletedComment: commentId }, here(event), '#comments');
  },
};
