import type { GroupPage, MyGroupList } from '@caucus/shared/schemas/groups.ts';
import type { ProfileSettings } from '@caucus/shared/schemas/profiles.ts';
import { canCreateGroups } from '#lib/groups.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { expectOk } from '#lib/server/guards.ts';
import { resolveTerritory } from '#lib/server/territory-input.ts';
import type { PageServerLoad } from './$types';

// The group directory: by name, by place, or near the member; most active first. The API lists
// only the groups this viewer may know of (a secret group only to its members).
export const load: PageServerLoad = async (event) => {
  const { url, locals } = event;
  const q = url.searchParams.get('q')?.trim() ?? '';
  const near = url.searchParams.get('near')?.trim() ?? '';
  const cursor = url.searchParams.get('cursor') ?? '';
  // A filter takes the best match of what was typed; no need to ask which place was meant.
  const place = await resolveTerritory(event, url.searchParams, { pickFirst: true });
  const territory = place.ok && place.ref ? place.ref.code : '';
  const territoryKind = place.ok && place.ref ? place.ref.kind : '';
  const searching = q !== '' || near !== '' || place.input.text !== '';

  const [pageRes, mine, profile] = await Promise.all([
    place.ok ? api<GroupPage>(event, 'GET', withQuery('/api/v1/groups', { q, territory, territoryKind, near, cursor })) : null,
    // A member sees their own groups (and invitations, requests) above the directory.
    locals.me && !searching && !cursor ? api<MyGroupList>(event, 'GET', '/api/v1/me/groups') : null,
    // "Near me" starts from the member's own postal code, when their profile has one.
    locals.me && !near ? api<ProfileSettings>(event, 'GET', '/api/v1/me/profile') : null,
  ]);

  return {
    q,
    near,
    nearPrefill: near || (profile?.ok ? profile.body.postalCode || profile.body.commune : ''),
    territory: place.input,
    territoryError: place.ok ? undefined : place.error,
    paged: cursor !== '',
    searching,
    page: pageRes ? expectOk(event, pageRes) : { groups: [], nextCursor: null },
    myGroups: mine?.ok ? mine.body.groups : [],
    canCreate: canCreateGroups(locals.me, locals.network),
  };
};
