import type { MyGroupList } from '@caucus/shared/schemas/groups.ts';
import type { PostPage } from '@caucus/shared/schemas/posts.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { failWith, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import { shareWithVisitors } from '#lib/server/shared-page.ts';
import { compactPage } from '#lib/components/wall/page-data.ts';
import { createPost } from '#lib/components/wall/post-actions.server.ts';
import { m } from '#lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

// Home: for a member, their feed (the network's announcements, their groups, the members they
// follow) and a composer; for a visitor, the network's landing page.
export const load: PageServerLoad = async (event) => {
  const me = event.locals.me;
  if (!me) shareWithVisitors(event);
  if (!me || !me.emailVerified) return { feed: null, groups: [], paged: false };
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const [feed, mine] = await Promise.all([
    api<PostPage>(event, 'GET', withQuery('/api/v1/feed', { cursor })),
    api<MyGroupList>(event, 'GET', '/api/v1/me/groups'),
  ]);
  const groups = expectOk(event, mine).groups.filter((entry) => entry.state === 'active');
  return { feed: compactPage(expectOk(event, feed)), groups: groups.map(({ group, role }) => ({ ...group, role })), paged: cursor !== '' };
};

/** The composer's `wall`: `profile` (the member's own), `network`, or `group:<slug>`. */
function wallPath(wall: string, handle: string): string | null {
  if (wall === 'profile' || wall === '') return `/api/v1/profiles/${encodeURIComponent(handle)}/posts`;
  if (wall === 'network') return '/api/v1/walls/network/posts';
  if (wall.startsWith('group:') && wall.length > 6) return `/api/v1/groups/${encodeURIComponent(wall.slice(6))}/posts`;
  return null;
}

export const actions: Actions = {
  post: async (event) => {
    const me = requireMember(event);
    const form = await event.request.formData();
    const wall = text(form, 'wall');
    const path = wallPath(wall, me.handle);
    if (!path) return failWith(400, { body: text(form, 'body'), wall }, m.error_invalid_choice(), 'post');
    return createPost(event, form, path, { wall });
  },
};
