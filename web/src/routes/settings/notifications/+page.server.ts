import { redirect } from '@sveltejs/kit';
import { NOTIFICATION_KINDS } from '@caucus/shared/constants.ts';
import type { NotificationPreferences } from '@caucus/shared/schemas/notifications.ts';
import { api } from '#lib/server/api.ts';
import { checked, failFromApi } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMember(event);
  const { preferences } = expectOk(event, await api<NotificationPreferences>(event, 'GET', '/api/v1/me/notification-preferences'));
  return { preferences, saved: event.url.searchParams.has('saved') };
};

export const actions: Actions = {
  default: async (event) => {
    requireMember(event);
    const form = await event.request.formData();
    // Every kind is sent: an unticked box is a choice too. E-mail needs the app (the API says so as well).
    const body: NotificationPreferences = {
      preferences: NOTIFICATION_KINDS.map((kind) => {
        const inApp = checked(form, `${kind}.inApp`);
        return { kind, inApp, email: inApp && checked(form, `${kind}.email`) };
      }),
    };
    const res = await api<NotificationPreferences>(event, 'PUT', '/api/v1/me/notification-preferences', body);
    if (!res.ok) return failFromApi(event, res, {}, { fields: [] });
    redirect(303, '/settings/notifications?saved');
  },
};
