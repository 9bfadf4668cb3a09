import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DirectoryPage, DirectoryQuery, HandleParams, Profile, ProfileSettings, UpdateProfileBody } from '@caucus/shared/schemas/profiles.ts';
import { requireViewer } from '#core/auth.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createProfilesService } from './service.ts';

export const profileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const profiles = createProfilesService({ db: app.db, sessions: app.sessionCache });
  const tags = ['profiles'];

  app.get('/profiles/:handle', {
    schema: { tags, summary: 'A profile, with only the fields this viewer may see.', params: HandleParams, response: { 200: Profile, ...errorResponses(400, 404) } },
  }, async (request) => profiles.getProfile(request.viewer, request.params.handle));

  app.get('/me/profile', { schema: { tags, summary: 'My profile with every field and its visibility, for editing.', response: { 200: ProfileSettings, ...errorResponses(401) } } }, async (request) =>
    profiles.getSettings(requireViewer(request)));

  app.patch('/me/profile', {
    schema: { tags, summary: 'Change my profile fields and who may see each.', body: UpdateProfileBody, response: { 200: ProfileSettings, ...errorResponses(400, 401, 409) } },
  }, async (request) => profiles.update(requireViewer(request), request.body));

  app.get('/members', {
    schema: { tags, summary: 'The member directory (members only): those who chose to be listed, by name, paged by cursor.', querystring: DirectoryQuery, response: { 200: DirectoryPage, ...errorResponses(400, 401, 403) } },
  }, async (request) => profiles.directory(request.viewer, request.query));
};
