import { loadCategory } from '#lib/components/forum/forum-loads.server.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  const { group } = await event.parent();
  if (!group.viewer.canReadContent) return { locked: true as const };
  return { locked: false as const, ...(await loadCategory(event, { kind: 'group', slug: event.params.slug }, event.params.category)) };
};
