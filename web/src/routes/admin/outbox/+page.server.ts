import type { OutboxPage } from '@caucus/shared/schemas/admin.ts';
import { api, withQuery } from '#lib/server/api.ts';
import { expectOk, requireAdmin } from '#lib/server/guards.ts';
import type { PageServerLoad } from './$types';

// Without SMTP, e-mails land here so that a fresh install works with no mail server.
export const load: PageServerLoad = async (event) => {
  requireAdmin(event);
  const to = event.url.searchParams.get('to')?.trim() ?? '';
  const cursor = event.url.searchParams.get('cursor') ?? '';
  const page = expectOk(event, await api<OutboxPage>(event, 'GET', withQuery('/api/v1/admin/outbox', { to, cursor })));
  return { to, cursor, page };
};
