import type { PostPage } from '@caucus/shared/schemas/posts.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { expectOk } from '#lib/server/guards.ts';
import { shareWithVisitors } from '#lib/server/shared-page.ts';
import { compactPage } from '#lib/components/wall/page-data.ts';
import type { PageServerLoad } from './$types';

// The posts with this hashtag that this viewer may read (the API filters them), newest first.
export const load: PageServerLoad = async (event) => {
  const tag = event.params.tag.toLowerCase();
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const path = withQuery(`/api/v1/hashtags/${encodeURIComponent(tag)}/posts`, { cursor });
  const page = expectOk(event, await api<PostPage>(event, 'GET', path));
  // A visitor without an account sees only public posts, the same for every such visitor.
  shareWithVisitors(event);
  return { tag, page: compactPage(page), paged: cursor !== '' };
};
