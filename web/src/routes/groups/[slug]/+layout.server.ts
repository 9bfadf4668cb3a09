import type { Group } from '@caucus/shared/schemas/groups.ts';
import { api } from '#lib/server/api.ts';
import { expectOk } from '#lib/server/guards.ts';
import { shareWithVisitors } from '#lib/server/shared-page.ts';
import type { LayoutServerLoad } from './$types';

// The group as this viewer may see it, with what they may do there (`group.viewer`, from the API's
// policy). A secret group is a 404 to whoever is not in it. Each tab still asks the API for its own
// content: a layout's load does not re-run on every client-side navigation.
export const load: LayoutServerLoad = async (event) => {
  const path = `/api/v1/groups/${encodeURIComponent(event.params.slug)}`;
  const group = expectOk(event, await api<Group>(event, 'GET', path));
  // A public group looks the same to every visitor without an account; a private or secret one never is shared.
  if (group.visibility === 'public') shareWithVisitors(event);
  // Joining waits for a confirmed address: the header says so instead of offering a button.
  return { group, unverified: event.locals.me !== null && !event.locals.me.emailVerified };
};
