import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ sent: url.searchParams.has('sent') });

export const actions: Actions = {
  default: async (event) => {
    const email = text(await event.request.formData(), 'email');
    // 202 whatever the address, so the page never tells who has an account.
    const res = await api(event, 'POST', '/api/v1/auth/password-reset/request', { email });
    if (!res.ok) return failFromApi(event, res, { email });
    redirect(303, '/forgot-password?sent');
  },
};
