import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { rememberedNext } from '#lib/server/next-after-signup.ts';
import type { Actions, PageServerLoad } from './$types';

// Opening the link does nothing by itself (mail scanners open links too): the member presses a button.
export const load: PageServerLoad = (event) => {
  const { url } = event;
  const verified = url.searchParams.has('verified');
  return {
    token: url.searchParams.get('token') ?? '',
    verified,
    resent: url.searchParams.has('resent'),
    // Back to where the visitor was going when they signed up (an invitation), if they were.
    next: verified ? rememberedNext(event, { forget: true }) : '/',
  };
};

export const actions: Actions = {
  verify: async (event) => {
    const token = text(await event.request.formData(), 'token');
    const res = await api(event, 'POST', '/api/v1/auth/verify-email', { token });
    if (!res.ok) return failFromApi(event, res, {}, { form: 'verify', fields: [] });
    redirect(303, '/verify-email?verified');
  },
  resend: async (event) => {
    const data = await event.request.formData();
    const email = text(data, 'email');
    // 202 whatever the address: the page tells no one whether it has an account.
    const res = await api(event, 'POST', '/api/v1/auth/resend-verification', { email });
    if (!res.ok) return failFromApi(event, res, { email }, { form: 'resend', submitted: data });
    redirect(303, '/verify-email?resent');
  },
};
