import { sql } from 'kysely';
import type { WatchTarget } from '@caucus/shared/events.ts';
import type { DbOrTx } from '#core/db.ts';
import { rooms } from '#core/events.ts';
import type { GroupRoomAccess, LiveRoomRules } from '#core/realtime.ts';
import { canReadGroupContent, canReadWall, type GroupMembershipRow, type Viewer, type WallSubject } from '#core/policy.ts';
import { loadGroupAccess } from './access.ts';

// Which socket.io rooms a member's live connection may be in: the realtime layer asks here, and
// here asks the policy module. Each question is a fixed number of queries, whatever the room size.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The rooms a connection joins at once: the network's (verified members), each group the member
 * is active in and may read, and the authors they follow.
 */
export async function roomsOnConnect(db: DbOrTx, viewer: Viewer): Promise<string[]> {
  const own = [rooms.user(viewer.id)];
  if (!canReadWall(viewer, { wall: 'network' })) return own;
  const [groups, follows] = await Promise.all([
    db
      .selectFrom('group_members as gm')
      .innerJoin('groups as g', 'g.id', 'gm.group_id')
      .select(['g.id', 'g.visibility', 'gm.state', 'gm.role'])
      .where('gm.member_id', '=', viewer.id)
      .where('gm.state', '=', 'active')
      .execute(),
    db.selectFrom('follows').select('followee_id').where('follower_id', '=', viewer.id).execute(),
  ]);
  return [
    ...own,
    rooms.network,
    ...groups.filter((g) => canReadGroupContent(viewer, g, { state: g.state, role: g.role })).map((g) => rooms.group(g.id)),
    ...follows.map((f) => rooms.author(f.followee_id)),
  ];
}

/** A client's `watch` target, checked: exactly one of group, profile or post, as short text. */
export function parseWatchTarget(value: unknown): WatchTarget | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value);
  if (entries.length !== 1) return null;
  const [key, id] = entries[0]!;
  if (typeof id !== 'string' || id.length === 0 || id.length > 100 || id.includes('\u0000')) return null;
  if (key === 'group') return { group: id };
  if (key === 'profile') return { profile: id };
  if (key === 'post' && UUID.test(id)) return { post: id };
  return null;
}

/** A stable name for a target, so that `unwatch` finds what `watch` granted. */
export const watchKey = (target: WatchTarget): string =>
  'group' in target ? `group:${target.group.toLowerCase()}` : 'profile' in target ? `profile:${target.profile.toLowerCase()}` : `post:${target.post.toLowerCase()}`;

/** The room of the wall a page shows, if the policy lets this member read it; else null. */
export async function resolveWatch(db: DbOrTx, viewer: Viewer, target: WatchTarget): Promise<string | null> {
  if ('group' in target) {
    const group = await db.selectFrom('groups').select('id').where(sql<string>`lower(slug)`, '=', target.group.toLowerCase()).executeTakeFirst();
    return group ? groupRoomIfReadable(db, viewer, group.id) : null;
  }
  if ('profile' in target) {
    const member = await db.selectFrom('members').select('id').where(sql<string>`lower(handle)`, '=', target.profile.toLowerCase()).executeTakeFirst();
    return member ? profileRoomIfReadable(db, viewer, member.id) : null;
  }
  const post = await db.selectFrom('posts').select(['wall', 'group_id', 'profile_id']).where('id', '=', target.post).where('deleted_at', 'is', null).executeTakeFirst();
  if (!post) return null;
  if (post.wall === 'network') return canReadWall(viewer, { wall: 'network' }) ? rooms.network : null;
  if (post.wall === 'group' && post.group_id) return groupRoomIfReadable(db, viewer, post.group_id);
  if (post.wall === 'profile' && post.profile_id) return profileRoomIfReadable(db, viewer, post.profile_id);
  return null;
}

async function groupRoomIfReadable(db: DbOrTx, viewer: Viewer, groupId: string): Promise<string | null> {
  const access = (await loadGroupAccess(db, viewer.id, [groupId])).get(groupId);
  if (!access) return null;
  return canReadWall(viewer, { wall: 'group', group: access, membership: access.membership }) ? rooms.group(groupId) : null;
}

async function profileRoomIfReadable(db: DbOrTx, viewer: Viewer, memberId: string): Promise<string | null> {
  const member = await db.selectFrom('members').select(['id', 'profile_visibility', 'email_verified_at']).where('id', '=', memberId).executeTakeFirst();
  if (!member) return null;
  const subject: WallSubject = {
    wall: 'profile',
    profile: { id: member.id, profileVisibility: member.profile_visibility, emailVerified: member.email_verified_at !== null },
    ownerFollowsViewer: false, // reading does not depend on it
  };
  return canReadWall(viewer, subject) ? rooms.profile(memberId) : null;
}

/**
 * For each of these members, whether they may be in the group's room: one query, with each
 * member's current network role and their row in the group. Unknown members and groups are absent.
 */
export async function groupRoomAccess(db: DbOrTx, groupId: string, memberIds: readonly string[]): Promise<Map<string, GroupRoomAccess>> {
  const ids = [...new Set(memberIds)];
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('members as m')
    .innerJoin('groups as g', (join) => join.on('g.id', '=', groupId))
    .leftJoin('group_members as gm', (join) => join.onRef('gm.member_id', '=', 'm.id').onRef('gm.group_id', '=', 'g.id'))
    .select(['m.id', 'm.role', 'm.email_verified_at', 'g.visibility', 'gm.state', 'gm.role as group_role'])
    .where('m.id', 'in', ids)
    .execute();
  return new Map(rows.map((row) => {
    const viewer: Viewer = { id: row.id, role: row.role, emailVerified: row.email_verified_at !== null };
    const membership: GroupMembershipRow = row.state && row.group_role ? { state: row.state, role: row.group_role } : null;
    return [row.id, { mayRead: canReadGroupContent(viewer, { visibility: row.visibility }, membership), active: membership?.state === 'active' }];
  }));
}

/** Whether a member is active in a group (a page that stops watching its own group stays in the room). */
export async function isActiveMember(db: DbOrTx, groupId: string, memberId: string): Promise<boolean> {
  const row = await db.selectFrom('group_members').select('state').where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst();
  return row?.state === 'active';
}

/** What the realtime plugin asks (app.ts hands it over): core/ names no feature. */
export const liveRoomRules: LiveRoomRules = { roomsOnConnect, parseWatchTarget, watchKey, resolveWatch, groupRoomAccess, isActiveMember };
