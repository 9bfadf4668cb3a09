import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Me } from '@caucus/shared/schemas/accounts.ts';
import { BrandingBody, NetworkInfo, PageContext, SetupBody } from '@caucus/shared/schemas/network.ts';
import { requireViewer, setSessionCookie } from '#core/auth.ts';
import { requestContext } from '#core/request-context.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createAccountsService } from '#features/accounts/service.ts';
import { createNetworkService } from './service.ts';

export const networkRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const accounts = createAccountsService({ db: app.db, mailer: app.mailer, config: app.config, sessions: app.sessionCache });
  const network = createNetworkService({ db: app.db, accounts });
  const tags = ['network'];

  app.get('/network', { schema: { tags, summary: "The network's name, tagline, colours, and whether setup is required.", response: { 200: NetworkInfo } } }, async () => network.info());

  app.get('/page-context', {
    schema: { tags, summary: 'The network and the signed-in member (or null), in one call: what every page renders with.', response: { 200: PageContext } },
  }, async (request) => {
    const member = request.session?.member;
    const { network: info, unreadNotifications, avatar } = await network.pageContext(member?.id ?? null);
    return {
      network: info,
      viewer: member ? { id: member.id, handle: member.handle, displayName: member.displayName, role: member.role, emailVerified: member.emailVerified, handleChosen: member.handleChosen, unreadNotifications, ...(avatar ? { avatar } : {}) } : null,
    };
  });

  app.post('/setup', {
    schema: { tags, summary: 'First run: name the network and create its owner (signed in at once). Refused once done.', body: SetupBody, response: { 201: Me, ...errorResponses(400, 409) } },
  }, async (request, reply) => {
    const { memberId, token, expiresAt } = await network.setup(request.body, requestContext(request));
    setSessionCookie(reply, app.config, token, expiresAt);
    return reply.status(201).send(await accounts.me(memberId));
  });

  app.patch('/admin/network', {
    schema: { tags: ['admin'], summary: "Change the network's name, tagline, colours or who may create groups (owner and admins).", body: BrandingBody, response: { 200: NetworkInfo, ...errorResponses(400, 401, 403) } },
  }, async (request) => network.updateBranding(requireViewer(request), request.body));
};
