import { redirect } from '@sveltejs/kit';
import type { NotificationPage } from '@caucus/shared/schemas/notifications.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMember(event);
  const unread = event.url.searchParams.get('unread') === '1';
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const path = withQuery('/api/v1/notifications', { unread: unread ? 'true' : '', cursor });
  return { page: expectOk(event, await api<NotificationPage>(event, 'GET', path)), unread, paged: cursor !== '' };
};

/** Back to the list as it was (the unread filter kept). */
const back = (form: FormData) => (text(form, 'unread') === '1' ? '/notifications?unread=1' : '/notifications');

export const actions: Actions = {
  read: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const res = await api(event, 'POST', `/api/v1/notifications/${encodeURIComponent(text(form, 'id'))}/read`);
    if (!res.ok) return failFromApi(event, res, {}, { form: 'read', fields: [] });
    redirect(303, back(form));
  },
  readAll: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    const res = await api(event, 'POST', '/api/v1/notifications/read-all');
    if (!res.ok) return failFromApi(event, res, {}, { form: 'read', fields: [] });
    redirect(303, back(form));
  },
};
