// The settings page's "Remove the cover" (a plain form, so it works without JavaScript).
import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import { requireMember } from '#lib/server/guards.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
  requireMember(event);
  const slug = encodeURIComponent(event.params.slug);
  const res = await api(event, 'DELETE', `/api/v1/groups/${slug}/cover`);
  redirect(303, res.ok ? `/groups/${slug}/settings?removed=cover` : `/groups/${slug}/settings`);
};
