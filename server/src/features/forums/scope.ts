import { sql, type RawBuilder } from 'kysely';
import type { ForumAccessLevel, GroupMemberState, GroupRole, GroupVisibility } from '@caucus/shared/constants.ts';
import type { ForumScope } from '@caucus/shared/schemas/forums.ts';
import type { CategoryAccessSubject, ForumSubject } from '#core/policy.ts';

// Which forum a category or thread belongs to, as the policy and the JSON need it. Every read
// statement loads, beside what it reads, the group (if any) and the viewer's row in it, under
// these column names; a forum whose group did not load is no forum at all (fail closed).

export interface ForumContext {
  groupId: string | null;
  scope: ForumScope;
  subject: ForumSubject;
}

/** The group and membership columns a statement loads for its forum (all null for the network's). */
export interface ScopeColumns {
  group_id: string | null;
  g_slug: string | null;
  g_name: string | null;
  g_visibility: GroupVisibility | null;
  gm_state: GroupMemberState | null;
  gm_role: GroupRole | null;
}

export const NETWORK_FORUM: ForumContext = { groupId: null, scope: { kind: 'network' }, subject: { forum: 'network' } };

export function contextOf(row: ScopeColumns): ForumContext | undefined {
  if (row.group_id === null) return NETWORK_FORUM;
  if (!row.g_slug || !row.g_name || !row.g_visibility) return undefined;
  const membership = row.gm_state && row.gm_role ? { state: row.gm_state, role: row.gm_role } : null;
  return {
    groupId: row.group_id,
    scope: { kind: 'group', group: { id: row.group_id, slug: row.g_slug, name: row.g_name, visibility: row.g_visibility } },
    subject: { forum: 'group', group: { visibility: row.g_visibility }, membership },
  };
}

export interface AccessColumns {
  read_access: ForumAccessLevel;
  start_access: ForumAccessLevel;
  reply_access: ForumAccessLevel;
}

export const accessOf = (row: AccessColumns): CategoryAccessSubject => ({ read: row.read_access, start: row.start_access, reply: row.reply_access });

/** Which forum: the network's, or a group's by its address. */
export type ForumRef = { kind: 'network' } | { kind: 'group'; slug: string };

/** The forum's scope row: the group and the viewer's membership, or a row of nulls for the network's forum. */
export function forumScopeSelect(ref: ForumRef, viewer: string): RawBuilder<unknown> {
  if (ref.kind === 'network') {
    return sql`SELECT NULL::uuid AS group_id, NULL::text AS g_slug, NULL::text AS g_name, NULL::text AS g_visibility, NULL::text AS gm_state, NULL::text AS gm_role`;
  }
  return sql`SELECT g.id AS group_id, g.slug AS g_slug, g.name AS g_name, g.visibility AS g_visibility, gm.state AS gm_state, gm.role AS gm_role
    FROM groups g LEFT JOIN group_members gm ON gm.group_id = g.id AND gm.member_id = ${viewer}::uuid
    WHERE lower(g.slug) = lower(${ref.slug})`;
}

/** A keyset position in a list: the sort key (a timestamp as PostgreSQL prints it) and the id. */
export interface Keyset { sortKey: string; id: string }
