import { loadCategory } from '#lib/components/forum/forum-loads.server.ts';
import { NETWORK_FORUM } from '#lib/components/forum/forum-paths.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = (event) => loadCategory(event, NETWORK_FORUM, event.params.category);
