import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AdminMember, AdminMemberPage, AdminMemberQuery, ChangeRoleBody, MemberIdParams, OutboxPage, OutboxQuery } from '@caucus/shared/schemas/admin.ts';
import { requireViewer } from '#core/auth.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createAdminService } from './service.ts';

export const adminRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admin = createAdminService({ db: app.db, sessions: app.sessionCache });
  const tags = ['admin'];

  app.get('/admin/members', {
    schema: { tags, summary: 'Every member with e-mail and role (owner and admins).', querystring: AdminMemberQuery, response: { 200: AdminMemberPage, ...errorResponses(400, 401, 403) } },
  }, async (request) => admin.members(requireViewer(request), request.query));

  app.put('/admin/members/:memberId/role', {
    schema: { tags, summary: "Change a member's network role. Only the owner makes admins.", params: MemberIdParams, body: ChangeRoleBody, response: { 200: AdminMember, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => admin.changeRole(requireViewer(request), request.params.memberId, request.body.role));

  app.get('/admin/outbox', {
    schema: { tags, summary: 'Mails kept in the outbox when no SMTP server is configured (owner and admins).', querystring: OutboxQuery, response: { 200: OutboxPage, ...errorResponses(400, 401, 403) } },
  }, async (request) => admin.outbox(requireViewer(request), request.query));
};
