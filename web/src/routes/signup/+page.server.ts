import { redirect } from '@sveltejs/kit';
import type { SignupBody } from '@caucus/shared/schemas/accounts.ts';
import { api } from '#lib/server/api.ts';
import { checked, failFromApi, secret, text } from '#lib/server/form.ts';
import { rememberNext } from '#lib/server/next-after-signup.ts';
import { safeRedirectTarget } from '#lib/server/redirect-target.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
  const redirectTo = url.searchParams.get('redirectTo');
  if (locals.me) redirect(303, safeRedirectTarget(redirectTo));
  // Where the visitor was going (an invitation): the login link keeps it, and so does verification.
  return { sent: url.searchParams.has('sent'), redirectTo: redirectTo && safeRedirectTarget(redirectTo) };
};

export const actions: Actions = {
  default: async (event) => {
    if (event.locals.me) redirect(303, '/');
    const data = await event.request.formData();
    const body: SignupBody = {
      displayName: text(data, 'displayName'),
      email: text(data, 'email'),
      password: secret(data, 'password'),
      acceptPrivacyPolicy: checked(data, 'acceptPrivacyPolicy'),
    };
    // 202 whether or not the address already has an account: the page must not tell either. No handle
    // either: the member chooses it once signed in (/welcome/handle), where "taken" tells no stranger.
    const res = await api(event, 'POST', '/api/v1/auth/signup', body);
    if (!res.ok) {
      const { password: _, ...values } = body;
      return failFromApi(event, res, values, { submitted: data });
    }
    rememberNext(event, event.url.searchParams.get('redirectTo'));
    redirect(303, '/signup?sent');
  },
};
