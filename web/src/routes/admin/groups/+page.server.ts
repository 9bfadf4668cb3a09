import { redirect } from '@sveltejs/kit';
import type { BrandingBody } from '@caucus/shared/schemas/network.ts';
import type { GroupCreationPolicy } from '@caucus/shared/constants.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { requireAdmin } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

// The network's rule for groups: who may create one.
export const load: PageServerLoad = (event) => {
  requireAdmin(event);
  return { groupCreation: event.locals.network.groupCreation, saved: event.url.searchParams.has('saved') };
};

export const actions: Actions = {
  default: async (event) => {
    requireAdmin(event);
    const data = await event.request.formData();
    // An unknown value goes to the API as is: it answers which values it takes.
    const body: BrandingBody = { groupCreation: text(data, 'groupCreation') as GroupCreationPolicy };
    const res = await api(event, 'PATCH', '/api/v1/admin/network', body);
    if (!res.ok) return failFromApi(event, res, { groupCreation: text(data, 'groupCreation') }, { fields: ['groupCreation'], submitted: data });
    redirect(303, '/admin/groups?saved');
  },
};
