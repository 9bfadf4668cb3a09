import { redirect } from '@sveltejs/kit';
import type { LoginBody } from '@caucus/shared/schemas/accounts.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, secret, text } from '#lib/server/form.ts';
import { safeRedirectTarget } from '#lib/server/redirect-target.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.me) redirect(303, safeRedirectTarget(url.searchParams.get('redirectTo')));
  const redirectTo = url.searchParams.get('redirectTo');
  return { passwordReset: url.searchParams.has('reset'), redirectTo: redirectTo && safeRedirectTarget(redirectTo) };
};

export const actions: Actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const body: LoginBody = { email: text(data, 'email'), password: secret(data, 'password') };
    const res = await api(event, 'POST', '/api/v1/auth/login', body);
    if (!res.ok) return failFromApi(event, res, { email: body.email, notVerified: res.body.error === 'email_not_verified' }, { submitted: data });
    redirect(303, safeRedirectTarget(event.url.searchParams.get('redirectTo')));
  },
};
