import { redirect } from '@sveltejs/kit';
import type { MediaSettings, UpdateMediaSettingsBody } from '@caucus/shared/schemas/media.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { expectOk, requireAdmin } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

const MB = 1024 * 1024;

export const load: PageServerLoad = async (event) => {
  requireAdmin(event);
  const settings = expectOk(event, await api<MediaSettings>(event, 'GET', '/api/v1/admin/media-settings'));
  return { settings, saved: event.url.searchParams.has('saved') };
};

export const actions: Actions = {
  default: async (event) => {
    requireAdmin(event);
    const data = await event.request.formData();
    const values = { quotaMegabytes: text(data, 'quotaMegabytes'), uploadsPerHour: text(data, 'uploadsPerHour') };
    // A number that is not one goes to the API as such, which says what is wrong with it.
    const number = (value: string) => (value === '' || !Number.isFinite(Number(value)) ? -1 : Number(value));
    const body: UpdateMediaSettingsBody = { quotaBytes: Math.round(number(values.quotaMegabytes) * MB), uploadsPerHour: number(values.uploadsPerHour) };
    const res = await api(event, 'PATCH', '/api/v1/admin/media-settings', body);
    if (!res.ok) {
      return failFromApi(event, res, values, { rename: (name) => (name === 'quotaBytes' ? 'quotaMegabytes' : name), submitted: data });
    }
    redirect(303, '/admin/media?saved');
  },
};
