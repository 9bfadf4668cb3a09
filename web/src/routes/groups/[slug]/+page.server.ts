import type { PostPage } from '@caucus/shared/schemas/posts.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { expectOk } from '#lib/server/guards.ts';
import { createPost } from '#lib/components/wall/post-actions.server.ts';
import { compactPage } from '#lib/components/wall/page-data.ts';
import type { Actions, PageServerLoad } from './$types';

// The group's wall. Whoever may not read its content (a private group's visitors and non-members)
// gets no posts: the API answers only to readers, and this page asks only when the policy said yes.
export const load: PageServerLoad = async (event) => {
  const { group } = await event.parent();
  if (!group.viewer.canReadContent) return { wall: null, paged: false };
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const path = withQuery(`/api/v1/groups/${encodeURIComponent(event.params.slug)}/posts`, { cursor });
  // Each part the posts repeat is sent once; +page.ts makes them whole again (page-data.ts).
  return { wall: compactPage(expectOk(event, await api<PostPage>(event, 'GET', path))), paged: cursor !== '' };
};

export const actions: Actions = {
  post: async (event) => createPost(event, await event.request.formData(), `/api/v1/groups/${encodeURIComponent(event.params.slug)}/posts`),
};
