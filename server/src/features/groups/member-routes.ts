import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Ok } from '@caucus/shared/schemas/common.ts';
import {
  ChangeGroupRoleBody, GroupMember, GroupMemberParams, InvitationInfo, InvitationParams, InviteBody, Membership, MyGroup, SlugParams,
} from '@caucus/shared/schemas/groups.ts';
import { requireViewer } from '#core/auth.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { groupsDeps } from './context.ts';
import { createInvitationsService } from './invitations.ts';
import { createMembershipService } from './membership.ts';

/** Joining, leaving, requests, invitations, roles, removals and bans. */
export const memberRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deps = groupsDeps(app);
  const membership = createMembershipService(deps);
  const invitations = createInvitationsService(deps);
  const tags = ['groups'];
  const ok = { ok: true } as const;

  app.post('/groups/:slug/join', {
    schema: { tags, summary: 'Join a public group at once, or ask to join a private one.', params: SlugParams, response: { 200: Membership, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => membership.join(requireViewer(request), request.params.slug));

  app.post('/groups/:slug/leave', {
    schema: { tags, summary: 'Leave the group, withdraw my request or decline my invitation. The last organizer cannot leave.', params: SlugParams, response: { 200: Ok, ...errorResponses(400, 401, 404, 409) } },
  }, async (request) => {
    await membership.leave(requireViewer(request), request.params.slug);
    return ok;
  });

  app.post('/groups/:slug/invitation/accept', {
    schema: { tags, summary: 'Accept my invitation to the group.', params: SlugParams, response: { 200: Membership, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => membership.acceptInvitation(requireViewer(request), request.params.slug));

  app.post('/groups/:slug/invitations', {
    schema: { tags, summary: 'Invite a member by handle, or anyone by e-mail (a single-use link, valid 14 days, that survives sign-up). Moderators.', params: SlugParams, body: InviteBody, response: { 200: Ok, ...errorResponses(400, 401, 403, 404, 409, 429) } },
  }, async (request) => {
    await invitations.invite(requireViewer(request), request.params.slug, request.body);
    return ok;
  });

  app.post('/groups/:slug/members/:handle/approve', {
    schema: { tags, summary: 'Approve a request to join (moderators).', params: GroupMemberParams, response: { 200: GroupMember, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => membership.approve(requireViewer(request), request.params.slug, request.params.handle));

  app.post('/groups/:slug/members/:handle/refuse', {
    schema: { tags, summary: 'Refuse a request to join (moderators).', params: GroupMemberParams, response: { 200: Ok, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => {
    await membership.refuse(requireViewer(request), request.params.slug, request.params.handle);
    return ok;
  });

  app.patch('/groups/:slug/members/:handle', {
    schema: { tags, summary: "Change a member's role in the group (organizers and admins). The last organizer stays one.", params: GroupMemberParams, body: ChangeGroupRoleBody, response: { 200: GroupMember, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => membership.changeRole(requireViewer(request), request.params.slug, request.params.handle, request.body.role));

  app.delete('/groups/:slug/members/:handle', {
    schema: { tags, summary: 'Remove a member from the group, withdraw an invitation or drop a request (moderators: plain members only).', params: GroupMemberParams, response: { 200: Ok, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => {
    await membership.remove(requireViewer(request), request.params.slug, request.params.handle);
    return ok;
  });

  app.post('/groups/:slug/members/:handle/ban', {
    schema: { tags, summary: 'Ban a member from the group: out at once, and they cannot rejoin (moderators: plain members only).', params: GroupMemberParams, response: { 200: GroupMember, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => membership.ban(requireViewer(request), request.params.slug, request.params.handle));

  app.delete('/groups/:slug/members/:handle/ban', {
    schema: { tags, summary: 'Lift a ban (moderators).', params: GroupMemberParams, response: { 200: Ok, ...errorResponses(400, 401, 403, 404, 409) } },
  }, async (request) => {
    await membership.unban(requireViewer(request), request.params.slug, request.params.handle);
    return ok;
  });

  app.get('/invitations/:token', {
    schema: { tags, summary: 'What an e-mailed invitation link invites to (whoever holds it).', params: InvitationParams, response: { 200: InvitationInfo, ...errorResponses(400) } },
  }, async (request) => invitations.describe(request.params.token));

  app.post('/invitations/:token/accept', {
    schema: { tags, summary: 'Join the group of an e-mailed invitation (signed in, verified). The link works once.', params: InvitationParams, response: { 200: MyGroup, ...errorResponses(400, 401, 403, 409) } },
  }, async (request) => invitations.accept(requireViewer(request), request.params.token));
};
