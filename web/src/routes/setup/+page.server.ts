import { redirect } from '@sveltejs/kit';
import type { SetupBody } from '@caucus/shared/schemas/network.ts';
import { api } from '#lib/server/api.ts';
import { checked, failFromApi, secret, text } from '#lib/server/form.ts';
import type { Actions } from './$types';

// hooks.server.ts already sends everyone here while the network has no owner, and away after.
export const actions: Actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const body: SetupBody = {
      networkName: text(data, 'networkName'),
      tagline: text(data, 'tagline'),
      displayName: text(data, 'displayName'),
      handle: text(data, 'handle'),
      email: text(data, 'email'),
      password: secret(data, 'password'),
      acceptPrivacyPolicy: checked(data, 'acceptPrivacyPolicy'),
    };
    const res = await api(event, 'POST', '/api/v1/setup', body);
    if (!res.ok && res.body.error !== 'setup_done') {
      const { password: _, ...values } = body;
      return failFromApi(event, res, values, { submitted: data });
    }
    redirect(303, '/');
  },
};
