import { createThread, loadNewThread } from '#lib/components/forum/forum-loads.server.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => loadNewThread(event, { kind: 'group', slug: event.params.slug }, event.params.category);

export const actions: Actions = {
  default: (event) => createThread(event, { kind: 'group', slug: event.params.slug }, event.params.category),
};
