import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ sent: url.searchParams.has('sent') });

export const actions: Actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const email = text(data, 'email');
    // 202 whatever the address, so the page never tells who has an account.
    const res = await api(event, 'POST', '/api/v1/auth/password-reset/request', { email });
    if (!res.ok) return failFromApi(event, res, { email }, { submitted: data });
    redirect(303, '/forgot-password?sent');
  },
};
