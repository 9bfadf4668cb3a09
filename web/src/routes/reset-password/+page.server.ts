import { redirect } from '@sveltejs/kit';
import type { ResetPasswordBody } from '@caucus/shared/schemas/accounts.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, secret, text } from '#lib/server/form.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ url }) => ({ token: url.searchParams.get('token') ?? '' });

export const actions: Actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const body: ResetPasswordBody = { token: text(data, 'token'), password: secret(data, 'password') };
    const res = await api(event, 'POST', '/api/v1/auth/password-reset/confirm', body);
    if (!res.ok) return failFromApi(event, res, { invalidToken: res.body.error === 'invalid_token' || !!res.body.fields?.token }, {
        fields: ['password'],
        submitted: data,
      });
    redirect(303, '/login?reset');
  },
};
