import type { GroupMember, Membership } from '@caucus/shared/schemas/groups.ts';
import type { GroupRole } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import { AppError, forbidden, notFound } from '#core/errors.ts';
import {
  canAcceptGroupInvitation, canActOnGroupMember, canManageGroup, canModerateGroup, isMember, joinMode, type GroupMembershipRow, type Viewer,
} from '#core/policy.ts';
import { storeNotifications, type StoredNotification } from '#features/notifications/notify.ts';
import { announce, loadVisibleGroup, type Announcement, type GroupsDeps } from './context.ts';
import { presentMember } from './present.ts';
import * as q from './queries.ts';

const conflict = (code: AppError['code'], message: string) => new AppError(409, code, message);
export const notVerified = () => new AppError(403, 'email_not_verified', 'Confirm your e-mail address first.');
const lastOrganizer = () => conflict('last_organizer', 'A group keeps at least one organizer: make someone else organizer first.');
const notModerator = () => forbidden("Only the group's organizers and moderators may do this.");
const memberNotInGroup = () => notFound('This member of the group');

/** Whether taking `row` out of the active organizers would leave the group with none. */
async function wouldLeaveNoOrganizer(tx: DbOrTx, groupId: string, row: GroupMembershipRow): Promise<boolean> {
  return row?.state === 'active' && row.role === 'organizer' && (await q.countActiveOrganizers(tx, groupId)) <= 1;
}

/** Joining, leaving, requests, roles, removals and bans: each in one transaction on the locked group. */
export function createMembershipService(deps: GroupsDeps) {
  const { db } = deps;

  /** Runs a change on the group of `slug`, locked, then announces what it returns after commit. */
  async function change<T>(viewer: Viewer, slug: string, work: (tx: DbOrTx, group: q.GroupRow, mine: GroupMembershipRow) => Promise<{ result: T; announcement?: Omit<Announcement, 'groupId'> }>): Promise<T> {
    const { result, announcement, groupId } = await db.transaction().execute(async (tx) => {
      const { group, membership } = await loadVisibleGroup(tx, viewer, slug, { lock: true });
      return { ...(await work(tx, group, membership)), groupId: group.id };
    });
    if (announcement) await announce(deps, { groupId, ...announcement });
    return result;
  }

  /** The member of `handle` and their row in the group; 404 for an unknown handle. */
  async function findTarget(tx: DbOrTx, groupId: string, handle: string) {
    const member = await q.findMemberByHandle(tx, handle);
    if (!member) throw notFound('This member');
    return { member, row: await q.findMembership(tx, groupId, member.id) };
  }

  async function memberOf(tx: DbOrTx, groupId: string, memberId: string): Promise<GroupMember> {
    return presentMember((await q.findGroupMember(tx, groupId, memberId))!);
  }

  return {
    /** Public: in at once. Private: a request the organizers and moderators are told of. Invited to a public or private group: in. */
    join: (viewer: Viewer, slug: string) => change<Membership>(viewer, slug, async (tx, group, mine) => {
      if (mine?.state === 'active') throw conflict('already_member', 'You are already a member of this group.');
      if (mine?.state === 'pending') throw conflict('already_requested', 'You already asked to join: the organizers will answer.');
      if (mine?.state === 'banned') throw new AppError(403, 'banned', 'You were banned from this group.');
      if (mine?.state === 'invited') {
        if (group.visibility === 'secret') throw new AppError(403, 'invitation_only', 'This group is by invitation only: accept your invitation instead.');
        if (!canAcceptGroupInvitation(viewer, mine, false)) throw notVerified();
        await q.updateMembership(tx, group.id, viewer.id, { state: 'active' });
        const memberCount = await q.adjustMemberCount(tx, group.id, 1);
        return { result: { state: 'active', role: mine.role }, announcement: { memberCount, accessChanged: [viewer.id] } };
      }
      const mode = joinMode(viewer, group, mine);
      if (mode === 'join') {
        await q.insertMembership(tx, { groupId: group.id, memberId: viewer.id, state: 'active' });
        const memberCount = await q.adjustMemberCount(tx, group.id, 1);
        return { result: { state: 'active', role: 'member' }, announcement: { memberCount, accessChanged: [viewer.id] } };
      }
      if (mode === 'request') {
        await q.insertMembership(tx, { groupId: group.id, memberId: viewer.id, state: 'pending' });
        const moderators = await q.groupModeratorIds(tx, group.id);
        const notifications = await storeNotifications(tx, moderators.map((recipientId) => ({ recipientId, kind: 'join_request' as const, actorId: viewer.id, groupId: group.id })));
        return { result: { state: 'pending', role: 'member' }, announcement: { notifications } };
      }
      if (!isMember(viewer)) throw notVerified();
      throw new AppError(403, 'invitation_only', 'This group is by invitation only.');
    }),

    /** Leaves the group; a pending request is withdrawn, an invitation declined. The last organizer stays. */
    leave: (viewer: Viewer, slug: string) => change<{ ok: true }>(viewer, slug, async (tx, group, mine) => {
      if (!mine || mine.state === 'banned') throw conflict('not_a_member', 'You are not a member of this group.');
      if (await wouldLeaveNoOrganizer(tx, group.id, mine)) throw lastOrganizer();
      await q.deleteMembership(tx, group.id, viewer.id);
      const memberCount = mine.state === 'active' ? await q.adjustMemberCount(tx, group.id, -1) : undefined;
      return { result: { ok: true }, announcement: { ...(memberCount !== undefined ? { memberCount } : {}), accessChanged: [viewer.id] } };
    }),

    /** An invitee (by handle) accepts. */
    acceptInvitation: (viewer: Viewer, slug: string) => change<Membership>(viewer, slug, async (tx, group, mine) => {
      if (mine?.state === 'active') throw conflict('already_member', 'You are already a member of this group.');
      if (mine?.state !== 'invited') throw conflict('not_invited', 'You have no invitation to this group.');
      if (!canAcceptGroupInvitation(viewer, mine, false)) throw notVerified();
      await q.updateMembership(tx, group.id, viewer.id, { state: 'active' });
      const memberCount = await q.adjustMemberCount(tx, group.id, 1);
      return { result: { state: 'active', role: mine.role }, announcement: { memberCount, accessChanged: [viewer.id] } };
    }),

    approve: (viewer: Viewer, slug: string, handle: string) => change<GroupMember>(viewer, slug, async (tx, group, mine) => {
      if (!canModerateGroup(viewer, mine)) throw notModerator();
      const { member, row } = await findTarget(tx, group.id, handle);
      if (!row) throw memberNotInGroup();
      if (row.state !== 'pending') throw conflict('not_pending', 'This member has no pending request.');
      await q.updateMembership(tx, group.id, member.id, { state: 'active' });
      const memberCount = await q.adjustMemberCount(tx, group.id, 1);
      const notifications: StoredNotification[] = await storeNotifications(tx, [{ recipientId: member.id, kind: 'request_approved', actorId: viewer.id, groupId: group.id }]);
      return { result: await memberOf(tx, group.id, member.id), announcement: { memberCount, notifications, accessChanged: [member.id] } };
    }),

    refuse: (viewer: Viewer, slug: string, handle: string) => change<{ ok: true }>(viewer, slug, async (tx, group, mine) => {
      if (!canModerateGroup(viewer, mine)) throw notModerator();
      const { member, row } = await findTarget(tx, group.id, handle);
      if (!row) throw memberNotInGroup();
      if (row.state !== 'pending') throw conflict('not_pending', 'This member has no pending request.');
      await q.deleteMembership(tx, group.id, member.id);
      return { result: { ok: true } };
    }),

    changeRole: (viewer: Viewer, slug: string, handle: string, role: GroupRole) => change<GroupMember>(viewer, slug, async (tx, group, mine) => {
      if (!canManageGroup(viewer, mine)) throw forbidden('Only the organizers of this group may change roles.');
      const { member, row } = await findTarget(tx, group.id, handle);
      if (!row) throw memberNotInGroup();
      if (row.state !== 'active') throw conflict('not_a_member', 'Only active members have a role.');
      if (role !== 'organizer' && (await wouldLeaveNoOrganizer(tx, group.id, row))) throw lastOrganizer();
      if (row.role !== role) await q.updateMembership(tx, group.id, member.id, { role });
      return { result: await memberOf(tx, group.id, member.id) };
    }),

    /** Takes a member out (or withdraws an invitation, refuses a request). Leaving oneself is `leave`. */
    remove: (viewer: Viewer, slug: string, handle: string) => change<{ ok: true }>(viewer, slug, async (tx, group, mine) => {
      if (!canModerateGroup(viewer, mine)) throw notModerator();
      const { member, row } = await findTarget(tx, group.id, handle);
      if (!row) throw memberNotInGroup();
      if (!canActOnGroupMember(viewer, mine, { id: member.id, role: row.role })) {
        throw forbidden(member.id === viewer.id ? 'To leave the group, use Leave.' : 'Your role in this group does not allow this.');
      }
      if (row.state === 'banned') throw conflict('banned', 'This member is banned: lift the ban instead.');
      if (await wouldLeaveNoOrganizer(tx, group.id, row)) throw lastOrganizer();
      await q.deleteMembership(tx, group.id, member.id);
      const memberCount = row.state === 'active' ? await q.adjustMemberCount(tx, group.id, -1) : undefined;
      return { result: { ok: true }, announcement: { ...(memberCount !== undefined ? { memberCount } : {}), accessChanged: [member.id] } };
    }),

    /** Bans a member (or anyone: a ban may come first); they can neither read nor rejoin. */
    ban: (viewer: Viewer, slug: string, handle: string) => change<GroupMember>(viewer, slug, async (tx, group, mine) => {
      if (!canModerateGroup(viewer, mine)) throw notModerator();
      const { member, row } = await findTarget(tx, group.id, handle);
      if (row?.state === 'banned') throw conflict('banned', 'This member is already banned from the group.');
      if (!canActOnGroupMember(viewer, mine, { id: member.id, role: row?.role ?? 'member' })) {
        throw forbidden(member.id === viewer.id ? 'You cannot ban yourself.' : 'Your role in this group does not allow this.');
      }
      if (await wouldLeaveNoOrganizer(tx, group.id, row)) throw lastOrganizer();
      if (row) await q.updateMembership(tx, group.id, member.id, { state: 'banned', role: 'member' });
      else await q.insertMembership(tx, { groupId: group.id, memberId: member.id, state: 'banned' });
      const memberCount = row?.state === 'active' ? await q.adjustMemberCount(tx, group.id, -1) : undefined;
      return { result: await memberOf(tx, group.id, member.id), announcement: { ...(memberCount !== undefined ? { memberCount } : {}), accessChanged: [member.id] } };
    }),

    /** Lifts a ban: the row goes, and the member may ask or be invited again. */
    unban: (viewer: Viewer, slug: string, handle: string) => change<{ ok: true }>(viewer, slug, async (tx, group, mine) => {
      if (!canModerateGroup(viewer, mine)) throw notModerator();
      const { member, row } = await findTarget(tx, group.id, handle);
      if (!row) throw memberNotInGroup();
      if (row.state !== 'banned') throw conflict('conflict', 'This member is not banned from the group.');
      if (!canActOnGroupMember(viewer, mine, { id: member.id, role: row.role })) throw forbidden('Your role in this group does not allow this.');
      await q.deleteMembership(tx, group.id, member.id);
      return { result: { ok: true } };
    }),
  };
}

export type MembershipService = ReturnType<typeof createMembershipService>;
