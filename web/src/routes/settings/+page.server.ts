import { redirect } from '@sveltejs/kit';
import type { ChangeEmailBody, ChangePasswordBody, Me, SessionList } from '@caucus/shared/schemas/accounts.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, secret, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMember(event);
  const [meResponse, sessionsResponse] = await Promise.all([api<Me>(event, 'GET', '/api/v1/me'), api<SessionList>(event, 'GET', '/api/v1/auth/sessions')]);
  const me = expectOk(event, meResponse);
  const { sessions } = expectOk(event, sessionsResponse);
  return {
    account: { email: me.email, pendingEmail: me.pendingEmail },
    sessions,
    saved: event.url.searchParams.get('saved'),
  };
};

export const actions: Actions = {
  revoke: async (event) => {
    requireMember(event);
    const sessionId = text(await event.request.formData(), 'sessionId');
    const res = await api(event, 'DELETE', `/api/v1/auth/sessions/${encodeURIComponent(sessionId)}`);
    if (!res.ok) return failFromApi(event, res, {}, { form: 'sessions', fields: [] });
    redirect(303, '/settings?saved=revoked#sessions');
  },
  logoutOthers: async (event) => {
    requireMember(event);
    const res = await api(event, 'POST', '/api/v1/auth/logout-others');
    if (!res.ok) return failFromApi(event, res, {}, { form: 'sessions', fields: [] });
    redirect(303, '/settings?saved=others#sessions');
  },
  password: async (event) => {
    requireMember(event);
    const data = await event.request.formData();
    const body: ChangePasswordBody = {
      currentPassword: secret(data, 'currentPassword'),
      newPassword: secret(data, 'newPassword'),
    };
    const res = await api(event, 'POST', '/api/v1/auth/password', body);
    if (!res.ok) return failFromApi(event, res, {}, { form: 'password', submitted: data });
    redirect(303, '/settings?saved=password#password');
  },
  email: async (event) => {
    requireMember(event);
    const data = await event.request.formData();
    const body: ChangeEmailBody = { newEmail: text(data, 'newEmail'), currentPassword: secret(data, 'currentPassword') };
    const res = await api(event, 'POST', '/api/v1/auth/email', body);
    if (!res.ok) return failFromApi(event, res, { newEmail: body.newEmail }, { form: 'email', submitted: data });
    redirect(303, '/settings?saved=email#email');
  },
};
