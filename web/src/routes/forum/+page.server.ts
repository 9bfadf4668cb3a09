import { createCategory, moveCategory, updateCategory } from '#lib/components/forum/category-actions.server.ts';
import { loadForumIndex } from '#lib/components/forum/forum-loads.server.ts';
import { NETWORK_FORUM } from '#lib/components/forum/forum-paths.ts';
import type { Actions, PageServerLoad } from './$types';

// The network's forum: its members' (a visitor goes to the login page, as the API answers 401).
export const load: PageServerLoad = (event) => loadForumIndex(event, NETWORK_FORUM);

export const actions: Actions = {
  createCategory: (event) => createCategory(event, NETWORK_FORUM),
  updateCategory: (event) => updateCategory(event, NETWORK_FORUM),
  moveCategory: (event) => moveCategory(event, NETWORK_FORUM),
};
