import { redirect } from '@sveltejs/kit';
import { LOCALE_COOKIE } from '@caucus/shared/constants.ts';
import { isLocale } from '#lib/paraglide/runtime.js';
import { safeRedirectTarget } from '#lib/server/redirect-target.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => redirect(303, '/');

export const actions: Actions = {
  default: async ({ request, cookies, url }) => {
    const data = await request.formData();
    const locale = data.get('locale');
    if (isLocale(locale)) {
      // A preference, not a secret: read by the server only, as long-lived as Paraglide's own (400 days).
      cookies.set(LOCALE_COOKIE, locale, {
        path: '/',
        maxAge: 60 * 60 * 24 * 400,
        httpOnly: true,
        sameSite: 'lax',
        secure: url.protocol === 'https:',
      });
    }
    const back = data.get('redirectTo');
    redirect(303, safeRedirectTarget(typeof back === 'string' ? back : '/'));
  },
};
