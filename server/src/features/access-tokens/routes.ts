import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AccessTokenList, AccessTokenParams, CreateAccessTokenBody, CreatedAccessToken } from '@caucus/shared/schemas/access-tokens.ts';
import { Ok } from '@caucus/shared/schemas/common.ts';
import { requireSession, requireViewer } from '#core/auth.ts';
import { forbidden } from '#core/errors.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createAccessTokensService } from './service.ts';

export const accessTokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tokens = createAccessTokensService({ db: app.db, revocations: app.streaming });
  const tags = ['access-tokens'];

  app.get('/me/access-tokens', {
    schema: { tags, summary: 'My personal access tokens (never their secrets), newest first.', response: { 200: AccessTokenList, ...errorResponses(401) } },
  }, async (request) => ({ tokens: await tokens.list(requireViewer(request)) }));

  app.post('/me/access-tokens', {
    schema: {
      tags,
      summary: 'Create a personal access token for the API and the streaming API. Its secret is in this answer only: copy it now. Needs a signed-in session, not another token.',
      body: CreateAccessTokenBody,
      response: { 201: CreatedAccessToken, ...errorResponses(400, 401, 403, 409) },
    },
  }, async (request, reply) => {
    // A stolen token must not be able to mint others that outlive its revocation.
    if (request.accessTokenId) throw forbidden('Create access tokens from your settings while signed in, not with another token.');
    requireSession(request);
    return reply.status(201).send(await tokens.create(requireViewer(request), request.body));
  });

  app.delete('/me/access-tokens/:id', {
    schema: { tags, summary: 'Revoke one of my access tokens: it stops working at once, and its open streams close.', params: AccessTokenParams, response: { 200: Ok, ...errorResponses(400, 401, 404) } },
  }, async (request) => {
    await tokens.revoke(requireViewer(request), request.params.id);
    return { ok: true as const };
  });
};
