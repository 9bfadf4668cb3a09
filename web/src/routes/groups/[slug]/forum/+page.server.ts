import { createCategory, moveCategory, updateCategory } from '#lib/components/forum/category-actions.server.ts';
import { loadForumIndex } from '#lib/components/forum/forum-loads.server.ts';
import type { ForumRef } from '#lib/components/forum/forum-paths.ts';
import type { Actions, PageServerLoad } from './$types';

const forumOf = (slug: string): ForumRef => ({ kind: 'group', slug });

// The group's forum, for whoever may read the group's content; the others see why not (as on its wall).
export const load: PageServerLoad = async (event) => {
  const { group } = await event.parent();
  if (!group.viewer.canReadContent) return { forum: null, done: null };
  return loadForumIndex(event, forumOf(event.params.slug));
};

export const actions: Actions = {
  createCategory: (event) => createCategory(event, forumOf(event.params.slug)),
  updateCategory: (event) => updateCategory(event, forumOf(event.params.slug)),
  moveCategory: (event) => moveCategory(event, forumOf(event.params.slug)),
};
