import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FollowState } from '@caucus/shared/schemas/posts.ts';
import { HandleParams } from '@caucus/shared/schemas/profiles.ts';
import { requireViewer } from '#core/auth.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createFollowsService } from './service.ts';

export const followRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const follows = createFollowsService({ db: app.db, io: app.io });
  const tags = ['follows'];

  app.get('/profiles/:handle/followers', {
    schema: { tags, summary: 'How many follow this member, and whether I do.', params: HandleParams, response: { 200: FollowState, ...errorResponses(400, 404) } },
  }, async (request) => follows.state(request.viewer, request.params.handle));
  app.put('/profiles/:handle/follow', {
    schema: { tags, summary: 'Follow a member: their posts reach my feed.', params: HandleParams, response: { 200: FollowState, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => follows.follow(requireViewer(request), request.params.handle));
  app.delete('/profiles/:handle/follow', {
    schema: { tags, summary: 'Stop following a member.', params: HandleParams, response: { 200: FollowState, ...errorResponses(401, 404, 409) } },
  }, async (request) => follows.unfollow(requireViewer(request), request.params.handle));
};
