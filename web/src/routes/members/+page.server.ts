import type { DirectoryPage } from '@caucus/shared/schemas/profiles.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { expectOk } from '#lib/server/guards.ts';
import type { PageServerLoad } from './$types';

// Lists only the members who chose to be listed; the API decides who that is and who may look.
export const load: PageServerLoad = async (event) => {
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  const commune = event.url.searchParams.get('commune')?.trim() ?? '';
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const page = expectOk(
    event,
    await api<DirectoryPage>(event, 'GET', withQuery('/api/v1/members', { q, commune, cursor })),
  );
  return { q, commune, paged: cursor !== '', page };
};
