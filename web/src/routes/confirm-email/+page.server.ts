import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import type { Actions, PageServerLoad } from './$types';

// As for sign-up: the link opens a page, and only the button changes the address.
export const load: PageServerLoad = ({ url }) => ({
  token: url.searchParams.get('token') ?? '',
  confirmed: url.searchParams.has('confirmed'),
});

export const actions: Actions = {
  default: async (event) => {
    const token = text(await event.request.formData(), 'token');
    const res = await api(event, 'POST', '/api/v1/auth/email/confirm', { token });
    if (!res.ok) return failFromApi(event, res, {}, { fields: [] });
    redirect(303, '/confirm-email?confirmed');
  },
};
