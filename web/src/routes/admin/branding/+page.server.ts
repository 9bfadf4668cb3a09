import { redirect } from '@sveltejs/kit';
import type { MediaSettings } from '@caucus/shared/schemas/media.ts';
import type { BrandingBody } from '@caucus/shared/schemas/network.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi, text } from '#lib/server/form.ts';
import { expectOk, requireAdmin } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireAdmin(event);
  const { name, tagline, colors, logo, favicon } = event.locals.network;
  const media = expectOk(event, await api<MediaSettings>(event, 'GET', '/api/v1/admin/media-settings'));
  return {
    branding: { name, tagline, primaryColor: colors.primary, accentColor: colors.accent },
    saved: event.url.searchParams.has('saved'),
    images: { logo, favicon, maxUploadBytes: media.maxUploadBytes, removed: event.url.searchParams.get('removed') },
  };
};

export const actions: Actions = {
  default: async (event) => {
    requireAdmin(event);
    const data = await event.request.formData();
    const body: BrandingBody = {
      name: text(data, 'name'),
      tagline: text(data, 'tagline'),
      primaryColor: text(data, 'primaryColor').toLowerCase(),
      accentColor: text(data, 'accentColor').toLowerCase(),
    };
    const res = await api(event, 'PATCH', '/api/v1/admin/network', body);
    if (!res.ok) return failFromApi(event, res, { ...body }, { submitted: data });
    redirect(303, '/admin/branding?saved');
  },
};
