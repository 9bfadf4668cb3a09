// The avatar section's "Remove the picture" (a plain form, so it works without JavaScript).
import { redirect } from '@sveltejs/kit';
import { api } from '#lib/server/api.ts';
import { loginPath } from '#lib/server/guards.ts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async (event) => {
  if (!event.locals.me) redirect(303, loginPath(new URL('/settings/profile', event.url)));
  const res = await api(event, 'DELETE', '/api/v1/me/avatar');
  redirect(303, res.ok ? '/settings/profile?avatar=removed' : '/settings/profile');
};
