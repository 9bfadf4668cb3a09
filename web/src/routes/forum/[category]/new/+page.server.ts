import { createThread, loadNewThread } from '#lib/components/forum/forum-loads.server.ts';
import { NETWORK_FORUM } from '#lib/components/forum/forum-paths.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => loadNewThread(event, NETWORK_FORUM, event.params.category);

export const actions: Actions = {
  default: (event) => createThread(event, NETWORK_FORUM, event.params.category),
};
