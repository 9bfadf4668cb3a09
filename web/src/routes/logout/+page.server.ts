import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import type { Actions, PageServerLoad } from './$types';

// Logging out is a POST from the header's form; a GET here does nothing.
export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async (event) => {
    if (event.locals.me) await api(event, 'POST', '/api/v1/auth/logout');
    redirect(303, '/');
  },
};
