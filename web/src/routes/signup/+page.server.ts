import { redirect } from '@sveltejs/kit';
import type { SignupBody } from '@caucus/shared/schemas/accounts.ts';
import { api } from '#lib/server/api.ts';
import { checked, failFromApi, secret, text } from '#lib/server/form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.me) redirect(303, '/');
  return { sent: url.searchParams.has('sent') };
};

export const actions: Actions = {
  default: async (event) => {
    if (event.locals.me) redirect(303, '/');
    const data = await event.request.formData();
    const body: SignupBody = {
      displayName: text(data, 'displayName'),
      handle: text(data, 'handle'),
      email: text(data, 'email'),
      password: secret(data, 'password'),
      acceptPrivacyPolicy: checked(data, 'acceptPrivacyPolicy'),
    };
    // 202 whether or not the address already has an account: the page must not tell either.
    const res = await api(event, 'POST', '/api/v1/auth/signup', body);
    if (!res.ok) {
      const { password: _, ...values } = body;
      return failFromApi(event, res, values, { submitted: data });
    }
    redirect(303, '/signup?sent');
  },
};
