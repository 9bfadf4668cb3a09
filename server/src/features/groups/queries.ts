import { sql, type Updateable } from 'kysely';
import type { GroupMemberState, GroupRole, GroupVisibility, TerritoryKind } from '@caucus/shared/constants.ts';
import type { GroupsTable } from '#core/database.ts';
import type { DbOrTx } from '#core/db.ts';
import type { GroupMembershipRow } from '#core/policy.ts';
import { escapeLike } from '#core/sql.ts';
import { imageColumn } from '#features/media/service.ts';

// The exact timestamp as text: a JS Date would drop the microseconds and break the keyset.
const activityKey = sql<string>`g.last_activity_at::text`.as('sort_key');

/** What a summary and a group page need; the description is cut short where only an excerpt is shown. */
const SUMMARY_COLUMNS = [
  'g.id', 'g.slug', 'g.name', 'g.visibility', 'g.territory_kind', 'g.territory_code', 'g.territory_name', 'g.department_code',
  'g.member_count', 'g.post_count', 'g.last_activity_at',
] as const;
const summaryExcerptSource = sql<string>`left(g.description_html, 800)`.as('description_html');

/** With `lock`, the row stays locked until the transaction ends: membership changes of one group happen one at a time. */
export function findGroupBySlug(db: DbOrTx, slug: string, options: { lock?: boolean } = {}) {
  const query = db
    .selectFrom('groups as g')
    .select([...SUMMARY_COLUMNS, 'g.description', 'g.description_html', 'g.region_code', 'g.created_at', imageColumn('g.cover_id').as('cover')])
    .where(sql<string>`lower(g.slug)`, '=', slug.toLowerCase());
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}
export type GroupRow = NonNullable<Awaited<ReturnType<typeof findGroupBySlug>>>;
/** The columns every list selects (SUMMARY_COLUMNS and the start of the description). */
export type GroupSummaryRow = Pick<GroupRow, 'id' | 'slug' | 'name' | 'visibility' | 'territory_kind' | 'territory_code' | 'territory_name' | 'department_code' | 'member_count' | 'post_count' | 'last_activity_at' | 'description_html'>;

/** The group and the viewer's membership of it, in one statement (a group page asks for both on every view). */
export async function findGroupWithMembership(db: DbOrTx, slug: string, viewerId: string | null): Promise<{ group: GroupRow; membership: GroupMembershipRow } | undefined> {
  const row = await db
    .selectFrom('groups as g')
    .leftJoin('group_members as gm', (join) => join.onRef('gm.group_id', '=', 'g.id').on('gm.member_id', '=', viewerId ?? '00000000-0000-0000-0000-000000000000'))
    .select([...SUMMARY_COLUMNS, 'g.description', 'g.description_html', 'g.region_code', 'g.created_at', imageColumn('g.cover_id').as('cover'), 'gm.state as gm_state', 'gm.role as gm_role'])
    .where(sql<string>`lower(g.slug)`, '=', slug.toLowerCase())
    .executeTakeFirst();
  if (!row) return undefined;
  const { gm_state: state, gm_role: role, ...group } = row;
  return { group, membership: state && role ? { state, role } : null };
}

/** Locks the group's row, as findGroupBySlug's `lock` does, when only the id is known. */
export async function lockGroupById(db: DbOrTx, groupId: string): Promise<boolean> {
  return (await db.selectFrom('groups').select('id').where('id', '=', groupId).forUpdate().executeTakeFirst()) !== undefined;
}

export async function findMembership(db: DbOrTx, groupId: string, memberId: string | null): Promise<GroupMembershipRow> {
  if (!memberId) return null;
  const row = await db.selectFrom('group_members').select(['state', 'role']).where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst();
  return row ?? null;
}

/** The slugs taken that start with `stem`, lower-cased (once per group created: a scan of groups is fine). */
export async function takenSlugs(db: DbOrTx, stem: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('groups')
    .select(sql<string>`lower(slug)`.as('slug'))
    .where(sql<string>`lower(slug)`, 'like', `${escapeLike(stem)}%`)
    .execute();
  return new Set(rows.map((row) => row.slug));
}

export async function slugTaken(db: DbOrTx, slug: string): Promise<boolean> {
  return (await db.selectFrom('groups').select('id').where(sql<string>`lower(slug)`, '=', slug.toLowerCase()).executeTakeFirst()) !== undefined;
}

export async function insertGroup(db: DbOrTx, values: {
  id: string; slug: string; name: string; description: string; description_html: string; visibility: GroupVisibility;
  territory_kind: TerritoryKind | null; territory_code: string | null; territory_name: string | null;
  department_code: string | null; region_code: string | null; created_by: string;
}): Promise<void> {
  await db.insertInto('groups').values({ ...values, member_count: 1 }).execute();
}

export async function updateGroup(db: DbOrTx, groupId: string, patch: Updateable<GroupsTable>): Promise<void> {
  await db.updateTable('groups').set({ ...patch, updated_at: sql`now()` }).where('id', '=', groupId).execute();
}

/** Moves the active count by `delta`; a join also marks the group active now. Returns the new count. */
export async function adjustMemberCount(db: DbOrTx, groupId: string, delta: number): Promise<number> {
  const row = await db
    .updateTable('groups')
    .set((eb) => ({
      member_count: eb('member_count', '+', delta),
      ...(delta > 0 ? { last_activity_at: sql<Date>`now()` } : {}),
    }))
    .where('id', '=', groupId)
    .returning('member_count')
    .executeTakeFirstOrThrow();
  return row.member_count;
}

// ── Memberships ─────────────────────────────────────────────────────────────────────────────────

export async function insertMembership(db: DbOrTx, values: { groupId: string; memberId: string; state: GroupMemberState; role?: GroupRole; invitedBy?: string | null }): Promise<void> {
  await db.insertInto('group_members').values({
    group_id: values.groupId, member_id: values.memberId, state: values.state, role: values.role ?? 'member', invited_by: values.invitedBy ?? null,
  }).execute();
}

/** Changes a row's state or role; `since` restarts when the state changes (joined, banned...). */
export async function updateMembership(db: DbOrTx, groupId: string, memberId: string, patch: { state?: GroupMemberState; role?: GroupRole }): Promise<void> {
  await db
    .updateTable('group_members')
    .set({ ...patch, ...(patch.state ? { created_at: sql<Date>`now()` } : {}), updated_at: sql`now()` })
    .where('group_id', '=', groupId)
    .where('member_id', '=', memberId)
    .execute();
}

export async function deleteMembership(db: DbOrTx, groupId: string, memberId: string): Promise<void> {
  await db.deleteFrom('group_members').where('group_id', '=', groupId).where('member_id', '=', memberId).execute();
}

export async function countActiveOrganizers(db: DbOrTx, groupId: string): Promise<number> {
  const row = await db
    .selectFrom('group_members')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('group_id', '=', groupId)
    .where('state', '=', 'active')
    .where('role', '=', 'organizer')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Who handles join requests: the group's active organizers and moderators. */
export async function groupModeratorIds(db: DbOrTx, groupId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('group_members')
    .select('member_id')
    .where('group_id', '=', groupId)
    .where('state', '=', 'active')
    .where('role', 'in', ['organizer', 'moderator'])
    .execute();
  return rows.map((row) => row.member_id);
}

const MEMBER_COLUMNS = ['m.id', 'm.handle', 'm.display_name', 'm.role', 'm.profile_visibility', 'm.email_verified_at'] as const;

export function findMemberByHandle(db: DbOrTx, handle: string) {
  return db.selectFrom('members as m').select([...MEMBER_COLUMNS, 'm.email', 'm.locale']).where(sql<string>`lower(m.handle)`, '=', handle.toLowerCase()).executeTakeFirst();
}
export type MemberRow = NonNullable<Awaited<ReturnType<typeof findMemberByHandle>>>;

/** One member's row in a group, with who they are. */
export function findGroupMember(db: DbOrTx, groupId: string, memberId: string) {
  return db
    .selectFrom('group_members as gm')
    .innerJoin('members as m', 'm.id', 'gm.member_id')
    .select(['m.id', 'm.handle', 'm.display_name', 'gm.state', 'gm.role', 'gm.created_at'])
    .where('gm.group_id', '=', groupId)
    .where('gm.member_id', '=', memberId)
    .executeTakeFirst();
}
export type GroupMemberRow = NonNullable<Awaited<ReturnType<typeof findGroupMember>>>;

/**
 * A page of a group's roster in one state, oldest first, keyset on (created_at, member_id)
 * (group_members_roster_idx). `publicProfilesOnly` for viewers who may see only public profiles.
 */
export function rosterPage(db: DbOrTx, filter: { groupId: string; state: GroupMemberState; publicProfilesOnly: boolean; after?: { sortKey: string; id: string }; limit: number }) {
  let query = db
    .selectFrom('group_members as gm')
    .innerJoin('members as m', 'm.id', 'gm.member_id')
    .select(['m.id', 'm.handle', 'm.display_name', 'm.profile_visibility', 'm.email_verified_at', 'gm.state', 'gm.role', 'gm.created_at', sql<string>`gm.created_at::text`.as('sort_key')])
    .where('gm.group_id', '=', filter.groupId)
    .where('gm.state', '=', filter.state);
  if (filter.publicProfilesOnly) query = query.where('m.profile_visibility', '=', 'public').where('m.email_verified_at', 'is not', null);
  if (filter.after) query = query.where(sql<boolean>`(gm.created_at, gm.member_id) > (${filter.after.sortKey}::timestamptz, ${filter.after.id}::uuid)`);
  return query.orderBy('gm.created_at').orderBy('gm.member_id').limit(filter.limit + 1).execute();
}

// ── Lists of groups ─────────────────────────────────────────────────────────────────────────────

export interface DirectoryFilter {
  viewerId: string | null;
  /** Admins see secret groups too; everyone else only those they are in or invited to. */
  includeAllSecret: boolean;
  q?: string;
  /** Groups of a place and inside it. */
  inside?: { kind: 'commune' | 'department' | 'region'; code: string };
  /** Groups of these communes, of their departments (communes included), and their regions' own groups. */
  near?: { communeCodes: string[]; departmentCodes: string[]; regionCodes: string[] };
  after?: { sortKey: string; id: string };
  limit: number;
}

/**
 * The directory, most active first, keyset on (last_activity_at, id) (groups_activity_idx; the
 * name search by groups_name_search_idx, places by groups_territory/department/region_idx).
 * A secret group is in the list only for its members, invitees and admins.
 */
export function directoryPage(db: DbOrTx, filter: DirectoryFilter) {
  let query = db
    .selectFrom('groups as g')
    .leftJoin('group_members as gm', (join) => join.onRef('gm.group_id', '=', 'g.id').on('gm.member_id', '=', filter.viewerId ?? '00000000-0000-0000-0000-000000000000'))
    .select([...SUMMARY_COLUMNS, summaryExcerptSource, activityKey, 'gm.state', 'gm.role']);
  if (!filter.includeAllSecret) {
    query = query.where((eb) => eb.or([eb('g.visibility', '!=', 'secret'), eb('gm.state', 'in', ['active', 'invited'])]));
  }
  if (filter.q) query = query.where(sql<string>`lower(g.name)`, 'like', `%${escapeLike(filter.q)}%`);
  const inside = filter.inside;
  if (inside) {
    if (inside.kind === 'commune') query = query.where('g.territory_kind', '=', 'commune').where('g.territory_code', '=', inside.code);
    else if (inside.kind === 'department') query = query.where('g.department_code', '=', inside.code);
    else query = query.where('g.region_code', '=', inside.code);
  }
  const near = filter.near;
  if (near) {
    query = query.where((eb) => eb.or([
      eb.and([eb('g.territory_kind', '=', 'commune'), eb('g.territory_code', 'in', near.communeCodes)]),
      ...(near.departmentCodes.length > 0 ? [eb('g.department_code', 'in', near.departmentCodes)] : []),
      ...(near.regionCodes.length > 0 ? [eb.and([eb('g.territory_kind', '=', 'region'), eb('g.region_code', 'in', near.regionCodes)])] : []),
    ]));
  }
  if (filter.after) query = query.where(sql<boolean>`(g.last_activity_at, g.id) < (${filter.after.sortKey}::timestamptz, ${filter.after.id}::uuid)`);
  return query.orderBy('g.last_activity_at', 'desc').orderBy('g.id', 'desc').limit(filter.limit + 1).execute();
}

/** A member's rows in groups, most active group first (group_members_member_idx). */
export function memberGroups(db: DbOrTx, memberId: string, filter: { states: GroupMemberState[]; publicOnly: boolean; limit: number }) {
  let query = db
    .selectFrom('group_members as gm')
    .innerJoin('groups as g', 'g.id', 'gm.group_id')
    .select([...SUMMARY_COLUMNS, summaryExcerptSource, 'gm.state', 'gm.role'])
    .where('gm.member_id', '=', memberId)
    .where('gm.state', 'in', filter.states);
  if (filter.publicOnly) query = query.where('g.visibility', '=', 'public');
  return query.orderBy('g.last_activity_at', 'desc').orderBy('g.id', 'desc').limit(filter.limit).execute();
}

// ── E-mail invitations ──────────────────────────────────────────────────────────────────────────

export async function insertInvitation(db: DbOrTx, values: { tokenHash: string; groupId: string; email: string; invitedBy: string; days: number }): Promise<void> {
  await db.insertInto('group_invitations').values({
    id: values.tokenHash, group_id: values.groupId, email: values.email, invited_by: values.invitedBy,
    expires_at: sql<Date>`now() + make_interval(days => ${values.days})`,
  }).execute();
}

/** A usable invitation (not accepted, not expired) with its group and who sent it. */
export function findUsableInvitation(db: DbOrTx, tokenHash: string) {
  return db
    .selectFrom('group_invitations as i')
    .innerJoin('groups as g', 'g.id', 'i.group_id')
    .leftJoin('members as inviter', 'inviter.id', 'i.invited_by')
    .select([...SUMMARY_COLUMNS, summaryExcerptSource, 'i.expires_at', 'inviter.display_name as inviter_name'])
    .where('i.id', '=', tokenHash)
    .where('i.accepted_at', 'is', null)
    .where('i.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** Uses an invitation once: only one of two concurrent acceptances gets the group id back. */
export async function consumeInvitation(db: DbOrTx, tokenHash: string, memberId: string): Promise<{ groupId: string; invitedBy: string | null } | undefined> {
  const row = await db
    .updateTable('group_invitations')
    .set({ accepted_by: memberId, accepted_at: sql<Date>`now()` })
    .where('id', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['group_id', 'invited_by'])
    .executeTakeFirst();
  return row ? { groupId: row.group_id, invitedBy: row.invited_by } : undefined;
}

export function findGroupSlugById(db: DbOrTx, groupId: string) {
  return db.selectFrom('groups').select('slug').where('id', '=', groupId).executeTakeFirst();
}
