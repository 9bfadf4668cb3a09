import { sql } from 'kysely';
import type { GroupMemberState, GroupRole, GroupVisibility } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import type { GroupMembershipRow, ProfileSubject } from '#core/policy.ts';

// What the streaming API must know to decide, for one live event, which of a process's open
// streams may receive it: each a single set-based query, whatever the number of streams.

/** The group a `stream=group&group=<slug>` names (groups_slug_key). */
export async function findGroupIdBySlug(db: DbOrTx, slug: string): Promise<string | undefined> {
  const row = await db.selectFrom('groups').select('id').where(sql<string>`lower(slug)`, '=', slug.toLowerCase()).executeTakeFirst();
  return row?.id;
}

/**
 * Where a post lives, soft-deleted or not: on purpose, since a deletion, or a comment removed
 * under a deleted post, must still reach exactly the readers of its wall.
 */
export function findPostWallIncludingDeleted(db: DbOrTx, postId: string) {
  return db.selectFrom('posts').select(['wall', 'group_id', 'profile_id', 'author_id']).where('id', '=', postId).executeTakeFirst();
}

/** A group's visibility and, for each of these members, their row in it; undefined for an unknown group. */
export async function loadGroupAudience(db: DbOrTx, groupId: string, memberIds: readonly string[]): Promise<{ visibility: GroupVisibility; memberships: Map<string, GroupMembershipRow> } | undefined> {
  const [group, rows] = await Promise.all([
    db.selectFrom('groups').select('visibility').where('id', '=', groupId).executeTakeFirst(),
    memberIds.length === 0 ? [] : db.selectFrom('group_members').select(['member_id', 'state', 'role']).where('group_id', '=', groupId).where('member_id', 'in', memberIds).execute(),
  ]);
  if (!group) return undefined;
  return {
    visibility: group.visibility,
    memberships: new Map(rows.map((row) => [row.member_id, { state: row.state as GroupMemberState, role: row.role as GroupRole }])),
  };
}

/** Which of these members follow the author (follows_pkey). */
export async function loadFollowersAmong(db: DbOrTx, authorId: string, memberIds: readonly string[]): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const rows = await db.selectFrom('follows').select('follower_id').where('followee_id', '=', authorId).where('follower_id', 'in', memberIds).execute();
  return new Set(rows.map((row) => row.follower_id));
}

export async function loadProfileSubject(db: DbOrTx, memberId: string): Promise<ProfileSubject | undefined> {
  const row = await db.selectFrom('members').select(['id', 'profile_visibility', 'email_verified_at']).where('id', '=', memberId).executeTakeFirst();
  return row ? { id: row.id, profileVisibility: row.profile_visibility, emailVerified: row.email_verified_at !== null } : undefined;
}
