import { redirect } from '@sveltejs/kit';
import { NETWORK_ROLES, type NetworkRole } from '@caucus/shared/constants.ts';
import type { AdminMemberPage } from '@caucus/shared/schemas/admin.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { failFromApi, failWith, text } from '#lib/server/form.ts';
import { expectOk, requireAdmin } from '#lib/server/guards.ts';
import { m } from '#lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireAdmin(event);
  const q = event.url.searchParams.get('q')?.trim() ?? '';
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const page = expectOk(event, await api<AdminMemberPage>(event, 'GET', withQuery('/api/v1/admin/members', { q, cursor })));
  return { q, cursor, page, saved: event.url.searchParams.get('saved') };
};

export const actions: Actions = {
  role: async (event) => {
    requireAdmin(event);
    const data = await event.request.formData();
    const memberId = text(data, 'memberId');
    const role = text(data, 'role');
    const back = { q: text(data, 'q'), cursor: text(data, 'cursor') };
    if (!(NETWORK_ROLES as readonly string[]).includes(role)) {
      return failWith(400, { memberId }, m.error_invalid_input(), memberId);
    }
    const path = `/api/v1/admin/members/${encodeURIComponent(memberId)}/role`;
    const res = await api(event, 'PUT', path, { role: role as NetworkRole });
    if (!res.ok) return failFromApi(event, res, { memberId }, { form: memberId, fields: [] });
    redirect(303, withQuery('/admin', { ...back, saved: memberId }));
  },
};
