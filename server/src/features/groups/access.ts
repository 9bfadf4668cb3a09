import { sql } from 'kysely';
import type { GroupMemberState, GroupRole, GroupVisibility } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import type { GroupMembershipRow } from '#core/policy.ts';

export interface GroupAccess {
  id: string;
  slug: string;
  name: string;
  visibility: GroupVisibility;
  membership: GroupMembershipRow;
}

/**
 * The groups and the viewer's membership in each, in one query: what the policy module needs to
 * decide about many groups at once (a feed, a set of live rooms). Unknown ids are absent.
 */
export async function loadGroupAccess(db: DbOrTx, viewerId: string | null, groupIds: readonly string[]): Promise<Map<string, GroupAccess>> {
  const ids = [...new Set(groupIds)];
  if (ids.length === 0) return new Map();
  const rows = await accessQuery(db, viewerId).where('g.id', 'in', ids).execute();
  return new Map(rows.map((row) => [row.id, toAccess(row)]));
}

/** One group by its address, with the viewer's membership, in one statement. */
export async function loadGroupAccessBySlug(db: DbOrTx, viewerId: string | null, slug: string): Promise<GroupAccess | undefined> {
  const row = await accessQuery(db, viewerId).where(sql<string>`lower(g.slug)`, '=', slug.toLowerCase()).executeTakeFirst();
  return row && toAccess(row);
}

function accessQuery(db: DbOrTx, viewerId: string | null) {
  return db
    .selectFrom('groups as g')
    .leftJoin('group_members as gm', (join) => join.onRef('gm.group_id', '=', 'g.id').on('gm.member_id', '=', viewerId ?? '00000000-0000-0000-0000-000000000000'))
    .select(['g.id', 'g.slug', 'g.name', 'g.visibility', 'gm.state', 'gm.role']);
}

function toAccess(row: { id: string; slug: string; name: string; visibility: GroupAccess['visibility']; state: string | null; role: string | null }): GroupAccess {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    visibility: row.visibility,
    membership: row.state ? { state: row.state as GroupMemberState, role: row.role as GroupRole } : null,
  };
}

/** The ids of the groups a member is active in (their feed, their live rooms). */
export async function activeGroupIds(db: DbOrTx, memberId: string): Promise<string[]> {
  const rows = await db.selectFrom('group_members').select('group_id').where('member_id', '=', memberId).where('state', '=', 'active').execute();
  return rows.map((row) => row.group_id);
}
