import { redirect } from '@sveltejs/kit';
import type { AccessTokenList, CreateAccessTokenBody, CreatedAccessToken } from '@caucus/shared/schemas/access-tokens.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMember(event);
  const { tokens } = expectOk(event, await api<AccessTokenList>(event, 'GET', '/api/v1/me/access-tokens'));
  return { tokens, revoked: event.url.searchParams.has('revoked'), origin: event.url.origin };
};

export const actions: Actions = {
  // No redirect: the secret is in this answer only, shown once on the page that follows.
  create: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const body: CreateAccessTokenBody = { name: text(form, 'name') };
    const res = await api<CreatedAccessToken>(event, 'POST', '/api/v1/me/access-tokens', body);
    if (!res.ok) return failFromApi(event, res, { name: body.name }, { form: 'create', fields: ['name'], submitted: form });
    return { form: 'create', created: { name: res.body.accessToken.name, token: res.body.token } };
  },
  revoke: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const res = await api(event, 'DELETE', `/api/v1/me/access-tokens/${encodeURIComponent(text(form, 'id'))}`);
    if (!res.ok) return failFromApi(event, res, {}, { form: 'revoke', fields: [] });
    redirect(303, '/settings/tokens?revoked');
  },
};
