import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  CreateGroupBody, Group, GroupDirectoryQuery, GroupList, GroupMemberPage, GroupMembersQuery, GroupPage, GroupSettings, MyGroupList, SlugParams,
  TerritoryList, TerritorySearchQuery, UpdateGroupBody,
} from '@caucus/shared/schemas/groups.ts';
import { HandleParams } from '@caucus/shared/schemas/profiles.ts';
import { requireViewer } from '#core/auth.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { groupsDeps } from './context.ts';
import { memberRoutes } from './member-routes.ts';
import { createGroupsService } from './service.ts';
import { searchTerritories } from './territories.ts';

export const groupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const groups = createGroupsService(groupsDeps(app));
  const tags = ['groups'];

  app.get('/territories', {
    schema: { tags, summary: 'French communes, departments and regions by name or postal code (best first), from the official reference.', querystring: TerritorySearchQuery, response: { 200: TerritoryList, ...errorResponses(400) } },
  }, async (request) => ({ territories: await searchTerritories(request.query.q, request.query.limit ?? 20) }));

  app.post('/groups', {
    schema: { tags, summary: 'Create a group; its creator is its first organizer. Who may create groups is a network setting.', body: CreateGroupBody, response: { 201: Group, ...errorResponses(400, 401, 403, 409) } },
  }, async (request, reply) => reply.status(201).send(await groups.create(requireViewer(request), request.body)));

  app.get('/groups', {
    schema: { tags, summary: 'The group directory, most active first: by name, by place, or near a postal code or commune. Secret groups only for their members.', querystring: GroupDirectoryQuery, response: { 200: GroupPage, ...errorResponses(400) } },
  }, async (request) => groups.directory(request.viewer, request.query));

  app.get('/groups/:slug', {
    schema: { tags, summary: 'A group, with what this viewer is in it and may do. A secret group is a 404 to non-members.', params: SlugParams, response: { 200: Group, ...errorResponses(400, 404) } },
  }, async (request) => groups.getGroup(request.viewer, request.params.slug));

  app.get('/groups/:slug/settings', {
    schema: { tags, summary: "The group's raw fields, for its edit form (organizers and admins).", params: SlugParams, response: { 200: GroupSettings, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => groups.settings(request.viewer, request.params.slug));

  app.patch('/groups/:slug', {
    schema: { tags, summary: "Change the group's name, description, visibility or place (organizers and admins).", params: SlugParams, body: UpdateGroupBody, response: { 200: GroupSettings, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => groups.update(requireViewer(request), request.params.slug, request.body));

  app.get('/groups/:slug/members', {
    schema: { tags, summary: "The group's members (whoever may read it), or its requests, invitations and bans (its moderators), oldest first.", params: SlugParams, querystring: GroupMembersQuery, response: { 200: GroupMemberPage, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => groups.roster(request.viewer, request.params.slug, request.query));

  app.get('/me/groups', {
    schema: { tags, summary: 'My groups, with my requests and invitations, most active first.', response: { 200: MyGroupList, ...errorResponses(401) } },
  }, async (request) => groups.myGroups(requireViewer(request)));

  app.get('/profiles/:handle/groups', {
    schema: { tags: ['profiles', 'groups'], summary: "A member's public groups, for whoever may see their profile.", params: HandleParams, response: { 200: GroupList, ...errorResponses(400, 404) } },
  }, async (request) => groups.profileGroups(request.viewer, request.params.handle));

  await app.register(memberRoutes);
};
