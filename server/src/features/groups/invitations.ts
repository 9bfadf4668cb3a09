import type { InvitationInfo, InviteBody, MyGroup } from '@caucus/shared/schemas/groups.ts';
import { GROUP_INVITATION_DAYS } from '@caucus/shared/constants.ts';
import { AppError, forbidden, notFound } from '#core/errors.ts';
import { canAcceptGroupInvitation, canModerateGroup, canViewProfile, type Viewer } from '#core/policy.ts';
import { hitRateLimit, type RateRule } from '#core/rate-limit.ts';
import { getSettings } from '#core/settings.ts';
import { generateToken, hashToken } from '#core/tokens.ts';
import { storeNotifications } from '#features/notifications/notify.ts';
import { announce, loadVisibleGroup, type GroupsDeps } from './context.ts';
import { groupInvitationMail } from './mails.ts';
import { notVerified } from './membership.ts';
import { presentSummary } from './present.ts';
import * as q from './queries.ts';

// Each e-mailed invitation is a mail to a stranger's address: bounded per sender and per address.
const INVITE_RULES = {
  perSender: { name: 'group-invite:sender', limit: 50, windowSeconds: 60 * 60 },
  perAddress: { name: 'group-invite:address', limit: 5, windowSeconds: 60 * 60 },
} satisfies Record<string, RateRule>;

const invalidInvitation = () => new AppError(400, 'invalid_invitation', 'This invitation link is invalid, expired or already used: ask for a new one.');
const conflict = (code: AppError['code'], message: string) => new AppError(409, code, message);

/** Invitations: by handle (the member accepts in the app) or by e-mail (a single-use link that survives sign-up). */
export function createInvitationsService(deps: GroupsDeps) {
  const { db, config, mailer } = deps;

  async function inviteMember(viewer: Viewer, slug: string, handle: string): Promise<void> {
    const { groupId, notifications } = await db.transaction().execute(async (tx) => {
      const { group, membership } = await loadVisibleGroup(tx, viewer, slug, { lock: true });
      if (!canModerateGroup(viewer, membership)) throw forbidden("Only the group's organizers and moderators may invite.");
      const member = await q.findMemberByHandle(tx, handle);
      if (!member || !canViewProfile(viewer, { id: member.id, profileVisibility: member.profile_visibility, emailVerified: member.email_verified_at !== null })) {
        throw notFound('This member');
      }
      const row = await q.findMembership(tx, group.id, member.id);
      if (row?.state === 'active') throw conflict('already_member', 'This member is already in the group.');
      if (row?.state === 'invited') throw conflict('already_invited', 'This member is already invited.');
      if (row?.state === 'pending') throw conflict('already_requested', 'This member asked to join: approve the request instead.');
      if (row?.state === 'banned') throw conflict('banned', 'This member is banned from the group: lift the ban first.');
      await q.insertMembership(tx, { groupId: group.id, memberId: member.id, state: 'invited', invitedBy: viewer.id });
      const stored = await storeNotifications(tx, [{ recipientId: member.id, kind: 'invitation', actorId: viewer.id, groupId: group.id }]);
      return { groupId: group.id, notifications: stored };
    });
    await announce(deps, { groupId, notifications });
  }

  /** The answer is the same whether or not the address has an account. */
  async function inviteByEmail(viewer: Viewer, slug: string, address: string): Promise<void> {
    const email = address.trim().toLowerCase();
    const { group, membership } = await loadVisibleGroup(db, viewer, slug);
    if (!canModerateGroup(viewer, membership)) throw forbidden("Only the group's organizers and moderators may invite.");
    await hitRateLimit(db, INVITE_RULES.perSender, viewer.id);
    await hitRateLimit(db, INVITE_RULES.perAddress, email);
    const token = generateToken();
    await q.insertInvitation(db, { tokenHash: hashToken(token), groupId: group.id, email, invitedBy: viewer.id, days: GROUP_INVITATION_DAYS });
    const [settings, inviter] = await Promise.all([getSettings(db), db.selectFrom('members').select('display_name').where('id', '=', viewer.id).executeTakeFirst()]);
    mailer.send(groupInvitationMail(email, {
      network: settings.name, group: group.name, inviter: inviter?.display_name ?? settings.name,
      link: `${config.publicUrl.origin}/invitations/${token}`, days: GROUP_INVITATION_DAYS,
    }));
  }

  return {
    invite: (viewer: Viewer, slug: string, body: InviteBody) => ('handle' in body ? inviteMember(viewer, slug, body.handle) : inviteByEmail(viewer, slug, body.email)),

    /** What a link invites to: shown to whoever holds it, signed in or not (it may lead to sign-up). */
    async describe(token: string): Promise<InvitationInfo> {
      const row = await q.findUsableInvitation(db, hashToken(token));
      if (!row) throw invalidInvitation();
      return { group: presentSummary(row), invitedBy: row.inviter_name ?? null, expiresAt: new Date(row.expires_at).toISOString() };
    },

    /** Uses the link once, atomically: a refusal (banned, already in) leaves it unused. */
    async accept(viewer: Viewer, token: string): Promise<MyGroup> {
      const { groupId, memberCount, role } = await db.transaction().execute(async (tx) => {
        const used = await q.consumeInvitation(tx, hashToken(token), viewer.id);
        if (!used) throw invalidInvitation();
        await q.lockGroupById(tx, used.groupId);
        const row = await q.findMembership(tx, used.groupId, viewer.id);
        if (row?.state === 'active') throw conflict('already_member', 'You are already a member of this group.');
        if (row?.state === 'banned') throw new AppError(403, 'banned', 'You were banned from this group.');
        if (!canAcceptGroupInvitation(viewer, row, true)) throw notVerified();
        if (row) await q.updateMembership(tx, used.groupId, viewer.id, { state: 'active' });
        else await q.insertMembership(tx, { groupId: used.groupId, memberId: viewer.id, state: 'active', invitedBy: used.invitedBy });
        return { groupId: used.groupId, memberCount: await q.adjustMemberCount(tx, used.groupId, 1), role: row?.role ?? 'member' };
      });
      await announce(deps, { groupId, memberCount, accessChanged: [viewer.id] });
      const slug = (await q.findGroupSlugById(db, groupId))!.slug;
      const { group } = await loadVisibleGroup(db, viewer, slug);
      return { group: presentSummary(group), state: 'active', role };
    },
  };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
