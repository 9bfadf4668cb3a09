import { redirect } from '@sveltejs/kit';
import type { GroupVisibility } from '@caucus/shared/constants.ts';
import type { CreateGroupBody, Group } from '@caucus/shared/schemas/groups.ts';
import { canCreateGroups } from '#lib/groups.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { requireMember } from '#lib/server/guards.ts';
import { failTerritory, resolveTerritory, territoryValues } from '#lib/server/territory-input.ts';
import type { Actions, PageServerLoad } from './$types';

const FIELDS = ['name', 'slug', 'description', 'visibility', 'territory'] as const;

export const load: PageServerLoad = (event) => {
  const me = requireMember(event);
  return { allowed: canCreateGroups(me, event.locals.network) };
};

export const actions: Actions = {
  default: async (event) => {
    requireMember(event);
    const data = await event.request.formData();
    const visibility = text(data, 'visibility');
    const values = { name: text(data, 'name'), slug: text(data, 'slug'), description: text(data, 'description'), visibility };
    const place = await resolveTerritory(event, data);
    if (!place.ok) return failTerritory(values, place);
    const placeValues = territoryValues(place.input);
    const body: CreateGroupBody = {
      name: values.name,
      ...(values.slug && { slug: values.slug.toLowerCase() }),
      description: values.description,
      // An unknown choice goes to the API as is, which names the field in its answer.
      visibility: (visibility || 'public') as GroupVisibility,
      territory: place.ref,
    };
    const res = await api<Group>(event, 'POST', '/api/v1/groups', body);
    if (!res.ok) return failFromApi(event, res, { ...values, ...placeValues }, { fields: FIELDS, submitted: data });
    redirect(303, `/groups/${res.body.slug}?membership=created`);
  },
};
