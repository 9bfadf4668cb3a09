import type { Profile } from '@caucus/shared/schemas/profiles.ts';
import { api } from '#lib/server/api.ts';
import { expectOk } from '#lib/server/guards.ts';
import type { PageServerLoad } from './$types';

// The API leaves out what this viewer may not see; a profile they may not see at all is a 404.
export const load: PageServerLoad = async (event) => {
  const path = `/api/v1/profiles/${encodeURIComponent(event.params.handle)}`;
  return { profile: expectOk(event, await api<Profile>(event, 'GET', path)) };
};
