import { sql, type RawBuilder } from 'kysely';
import type { GroupMemberState, GroupRole, GroupVisibility } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import { olderThan, type Keyset } from './queries.ts';
import { wallWithPosts, type HydratedRow } from './read-statement.ts';

// A wall's page in one statement: the wall itself (a group with the viewer's membership, a
// profile with "its owner follows the viewer"), its pinned posts on the first page, one page of
// the others, all hydrated. Served by posts_network_wall_idx, posts_group_wall_idx,
// posts_profile_wall_idx and posts_pinned_idx.

/** A wall as a route names it. */
export type WallTarget = { kind: 'network' } | { kind: 'group'; slug: string } | { kind: 'profile'; handle: string };

export interface GroupWallRow { id: string; slug: string; name: string; visibility: GroupVisibility; state: GroupMemberState | null; role: GroupRole | null }
export interface ProfileWallRow { id: string; handle: string; display_name: string; profile_visibility: 'public' | 'members'; verified: boolean; follows_viewer: boolean }
export type WallRow = { kind: 'network' } | ({ kind: 'group' } & GroupWallRow) | ({ kind: 'profile' } & ProfileWallRow);

const NO_ONE = '00000000-0000-0000-0000-000000000000';

function wallSelect(target: WallTarget, viewerId: string | null): RawBuilder<unknown> {
  const viewer = viewerId ?? NO_ONE;
  if (target.kind === 'network') return sql`SELECT 'network'::text AS kind`;
  if (target.kind === 'group') {
    return sql`SELECT 'group'::text AS kind, g.id, g.slug, g.name, g.visibility, gm.state, gm.role FROM groups g
      LEFT JOIN group_members gm ON gm.group_id = g.id AND gm.member_id = ${viewer}::uuid
      WHERE lower(g.slug) = ${target.slug.toLowerCase()}`;
  }
  return sql`SELECT 'profile'::text AS kind, m.id, m.handle, m.display_name, m.profile_visibility, m.email_verified_at IS NOT NULL AS verified,
      EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = m.id AND f.followee_id = ${viewer}::uuid) AS follows_viewer
    FROM members m WHERE lower(m.handle) = ${target.handle.toLowerCase()}`;
}

/** Which posts are on the wall, for the page (`pinned` false) or its pinned posts. */
function onWall(kind: WallTarget['kind'], pinned: boolean): RawBuilder<boolean> {
  if (kind === 'network') return pinned ? sql<boolean>`p.group_id IS NULL AND p.wall = 'network'` : sql<boolean>`p.wall = 'network'`;
  if (kind === 'group') return sql<boolean>`p.group_id = (SELECT id FROM wall)`;
  return pinned ? sql<boolean>`p.group_id IS NULL AND p.profile_id = (SELECT id FROM wall)` : sql<boolean>`p.profile_id = (SELECT id FROM wall)`;
}

function wallSkeleton(kind: WallTarget['kind'], after: Keyset | undefined, limit: number, pinnedMax: number): RawBuilder<unknown> {
  const page = sql`
    SELECT x.id, x.created_at::text AS sort_key, 'page'::text AS part, 1000 + row_number() OVER (ORDER BY x.created_at DESC, x.id DESC) AS ord FROM (
      SELECT p.id, p.created_at FROM posts p
      WHERE ${onWall(kind, false)} AND p.pinned_at IS NULL AND p.deleted_at IS NULL AND ${olderThan(after, 'p')}
      ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit + 1}) x`;
  if (after) return page;
  return sql`
    SELECT x.id, x.created_at::text AS sort_key, 'pinned'::text AS part, row_number() OVER (ORDER BY x.pinned_at DESC) AS ord FROM (
      SELECT p.id, p.created_at, p.pinned_at FROM posts p
      WHERE ${onWall(kind, true)} AND p.pinned_at IS NOT NULL AND p.deleted_at IS NULL
      ORDER BY p.pinned_at DESC LIMIT ${pinnedMax}) x
    UNION ALL ${page}`;
}

/**
 * The wall and its posts: undefined when no such wall exists; `posts` holds the pinned ones (part
 * 'pinned', first page only) then `limit + 1` of the others (part 'page'), newest first.
 */
export async function wallPageStatement(db: DbOrTx, target: WallTarget, viewerId: string | null, after: Keyset | undefined, limit: number, pinnedMax: number): Promise<{ wall: WallRow; posts: HydratedRow[] } | undefined> {
  const { rows } = await wallWithPosts<WallRow>(wallSelect(target, viewerId), wallSkeleton(target.kind, after, limit, pinnedMax), viewerId).execute(db);
  if (rows.length === 0) return undefined;
  return { wall: rows[0]!.wall_row, posts: rows.filter((row): row is typeof row & HydratedRow => row.id !== null && row.id !== undefined) };
}
