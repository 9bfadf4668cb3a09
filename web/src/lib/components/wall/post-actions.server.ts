// What every page with a composer does with it, and how post actions answer: with the new state for
// a page that applies it in place (JavaScript), with a redirect back for a plain form.
import { redirect, type RequestEvent } from '@sveltejs/kit';
import type { CreatePostBody, Post } from '@caucus/shared/schemas/posts.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { requireMember } from '#lib/server/guards.ts';
import { safeRedirectTarget } from '#lib/server/redirect-target.ts';
import { IN_PLACE_FIELD } from './walls.ts';

/** With JavaScript the page applies `data` itself; without, the browser goes back to `redirectTo` (or `fallback`). */
export function finish<T extends Record<string, unknown>>(form: FormData, data: T, fallback: string, hash = ''): T {
  if (form.get(IN_PLACE_FIELD)) return data;
  const target = safeRedirectTarget(text(form, 'redirectTo') || fallback);
  redirect(303, target.split('#')[0] + hash);
}

/** The composer's action: POST to a wall (`/api/v1/groups/x/posts`…), then back to the page with the post on top. */
export async function createPost(event: RequestEvent, form: FormData, wallPath: string, extraValues: Record<string, string> = {}) {
  requireMember(event);
  const imageIds = form.getAll('imageIds').filter((id): id is string => typeof id === 'string' && id !== '');
  const body: CreatePostBody = { body: text(form, 'body'), ...(imageIds.length > 0 ? { imageIds } : {}) };
  const res = await api<Post>(event, 'POST', wallPath, body);
  if (!res.ok) return failFromApi(event, res, { body: body.body, ...extraValues }, { form: 'post', fields: ['body', 'wall'], submitted: form });
  return finish(form, { post: res.body }, event.url.pathname, `#post-${res.body.id}`);
}
