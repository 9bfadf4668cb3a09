import { redirect } from '@sveltejs/kit';
import type { ChooseHandleBody } from '@caucus/shared/schemas/accounts.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { requireMember } from '#lib/server/guards.ts';
import { safeRedirectTarget } from '#lib/server/redirect-target.ts';
import { suggestHandle } from './suggest-handle.ts';
import type { Actions, PageServerLoad } from './$types';

// Sign-up takes no handle (its answer would tell strangers who is a member): a new member chooses
// it here, signed in, before anything else; hooks.server.ts sends them here until they have.
export const load: PageServerLoad = (event) => {
  const me = requireMember(event);
  const next = safeRedirectTarget(event.url.searchParams.get('redirectTo'));
  if (me.handleChosen) redirect(303, next);
  return { suggestion: suggestHandle(me.displayName) };
};

export const actions: Actions = {
  default: async (event) => {
    requireMember(event);
    const data = await event.request.formData();
    const body: ChooseHandleBody = { handle: text(data, 'handle') };
    const res = await api(event, 'PUT', '/api/v1/me/handle', body);
    if (!res.ok) return failFromApi(event, res, { handle: body.handle }, { fields: ['handle'], submitted: data });
    redirect(303, safeRedirectTarget(event.url.searchParams.get('redirectTo')));
  },
};
