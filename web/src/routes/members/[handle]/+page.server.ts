import type { GroupList } from '@caucus/shared/schemas/groups.ts';
import type { FollowState, PostPage } from '@caucus/shared/schemas/posts.ts';
import type { Profile } from '@caucus/shared/schemas/profiles.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import { compactPage } from '#lib/components/wall/page-data.ts';
import { createPost, finish } from '#lib/components/wall/post-actions.server.ts';
import type { Actions, PageServerLoad } from './$types';

// The API leaves out what this viewer may not see; a profile they may not see at all is a 404.
// Its wall, its public groups and who follows it come from their own routes, asked together.
export const load: PageServerLoad = async (event) => {
  const handle = encodeURIComponent(event.params.handle);
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const [profileResponse, wallResponse, groupsResponse, followResponse] = await Promise.all([
    api<Profile>(event, 'GET', `/api/v1/profiles/${handle}`),
    api<PostPage>(event, 'GET', withQuery(`/api/v1/profiles/${handle}/posts`, { cursor })),
    api<GroupList>(event, 'GET', `/api/v1/profiles/${handle}/groups`),
    api<FollowState>(event, 'GET', `/api/v1/profiles/${handle}/followers`),
  ]);
  const profile = expectOk(event, profileResponse);
  return {
    profile,
    // The profile is visible, so its wall is too; a refusal here only leaves the wall out.
    wall: wallResponse.ok ? compactPage(wallResponse.body) : null,
    groups: groupsResponse.ok ? groupsResponse.body.groups : [],
    follow: followResponse.ok ? followResponse.body : null,
    paged: cursor !== '',
  };
};

const profilePath = (handle: string) => `/api/v1/profiles/${encodeURIComponent(handle)}`;

export const actions: Actions = {
  post: async (event) => createPost(event, await event.request.formData(), `${profilePath(event.params.handle)}/posts`),
  follow: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const following = text(form, 'following') === 'true';
    const res = await api<FollowState>(event, following ? 'DELETE' : 'PUT', `${profilePath(event.params.handle)}/follow`);
    if (!res.ok) return failFromApi(event, res, {}, { form: 'follow', fields: [] });
    return finish(form, { follow: res.body }, event.url.pathname);
  },
};
