// The branding page's "Remove the logo / the icon" (plain forms, so they work without JavaScript).
import { error, redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import { text } from '#lib/server/form.ts';
import { requireAdmin } from '#lib/server/guards.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
  requireAdmin(event);
  const slot = text(await event.request.formData(), 'slot');
  if (slot !== 'logo' && slot !== 'favicon') error(400);
  const res = await api(event, 'DELETE', `/api/v1/admin/network/${slot}`);
  redirect(303, res.ok ? `/admin/branding?removed=${slot}` : '/admin/branding');
};
