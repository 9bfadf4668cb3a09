import { redirect } from '@sveltejs/kit';
import type { GroupVisibility } from '@caucus/shared/constants.ts';
import type { GroupSettings, UpdateGroupBody } from '@caucus/shared/schemas/groups.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import { failTerritory, resolveTerritory, territoryValues } from '#lib/server/territory-input.ts';
import type { Actions, PageServerLoad } from './$types';

const FIELDS = ['name', 'description', 'visibility', 'territory'] as const;
const settingsApi = (slug: string) => `/api/v1/groups/${encodeURIComponent(slug)}`;

// Organizers (and network admins) edit the group; the API refuses anyone else.
export const load: PageServerLoad = async (event) => {
  requireMember(event);
  const settings = expectOk(event, await api<GroupSettings>(event, 'GET', `${settingsApi(event.params.slug)}/settings`));
  return { settings, saved: event.url.searchParams.has('saved') };
};

export const actions: Actions = {
  default: async (event) => {
    requireMember(event);
    const data = await event.request.formData();
    const values = { name: text(data, 'name'), description: text(data, 'description'), visibility: text(data, 'visibility') };
    const place = await resolveTerritory(event, data);
    if (!place.ok) return failTerritory(values, place);
    const placeValues = territoryValues(place.input);
    const body: UpdateGroupBody = {
      name: values.name,
      description: values.description,
      visibility: values.visibility as GroupVisibility,
      territory: place.ref,
    };
    const res = await api<GroupSettings>(event, 'PATCH', settingsApi(event.params.slug), body);
    if (!res.ok) return failFromApi(event, res, { ...values, ...placeValues }, { fields: FIELDS, submitted: data });
    // Made secret, the group has a new, random address.
    redirect(303, `/groups/${encodeURIComponent(res.body.slug)}/settings?saved`);
  },
};
