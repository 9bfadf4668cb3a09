import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '#core/db.ts';
import { olderThan, type Keyset } from './queries.ts';

export interface SkeletonRow { id: string; sort_key: string }

/**
 * The home feed's skeleton: ids and keys of one page, newest first. Not one OR over posts (which
 * PostgreSQL can only answer by reading every candidate and sorting), but a UNION of keyset scans
 * that each stop after `limit + 1` rows, merged and cut:
 *
 *   my_groups = the member's active groups; authors = whom they follow, and themselves
 *   ( network wall                 ── posts_network_wall_idx, LIMIT n+1 )
 *   UNION ( my_groups × LATERAL     ── posts_group_wall_idx (group_id, created_at, id), LIMIT n+1 each )
 *   UNION ( authors × LATERAL       ── posts_author_feed_idx (author_id, created_at, id) INCLUDE (wall, group_id), LIMIT n+1 each,
 *                                      their profile-wall posts and those in public groups or mine )
 *   ORDER BY created_at DESC, id DESC LIMIT n+1
 *
 * So a page costs (1 + groups + followees) short index scans, the same on page 1 and page 1000
 * and whatever the size of the table. A followee's post in one of my groups comes from two scans:
 * UNION keeps it once (a few hundred rows to hash). The author scans skip, row by row, a followee's
 * posts in private groups the member is not in: an author who posts almost only there costs a
 * longer scan, index-only thanks to the index's INCLUDE (wall, group_id).
 *
 * It runs as a named (prepared) statement: PostgreSQL plans this many-branched query once per
 * connection instead of on every request (planning cost about a third of its time).
 */
export function homeFeedQuery(memberId: string, after: Keyset | undefined, limit: number): RawBuilder<SkeletonRow> {
  const n = limit + 1;
  return sql<SkeletonRow>`
    WITH my_groups AS MATERIALIZED (
      SELECT group_id AS id FROM group_members WHERE member_id = ${memberId} AND state = 'active'
    ), authors AS MATERIALIZED (
      SELECT followee_id AS id FROM follows WHERE follower_id = ${memberId}
      UNION SELECT ${memberId}::uuid
    )
    SELECT feed.id, feed.created_at::text AS sort_key FROM (
      (SELECT w.id, w.created_at FROM posts w
        WHERE w.wall = 'network' AND w.deleted_at IS NULL AND ${olderThan(after, 'w')}
        ORDER BY w.created_at DESC, w.id DESC LIMIT ${n})
      UNION
      (SELECT gp.id, gp.created_at FROM my_groups g CROSS JOIN LATERAL (
        SELECT p.id, p.created_at FROM posts p
        WHERE p.group_id = g.id AND p.deleted_at IS NULL AND ${olderThan(after, 'p')}
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${n}) gp)
      UNION
      (SELECT ap.id, ap.created_at FROM authors a CROSS JOIN LATERAL (
        SELECT p.id, p.created_at FROM posts p
        WHERE p.author_id = a.id AND p.deleted_at IS NULL AND ${olderThan(after, 'p')}
          AND (p.wall = 'profile' OR (p.wall = 'group' AND (p.group_id IN (SELECT id FROM my_groups)
            OR EXISTS (SELECT 1 FROM groups pg WHERE pg.id = p.group_id AND pg.visibility = 'public'))))
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${n}) ap)
    ) feed
    ORDER BY feed.created_at DESC, feed.id DESC
    LIMIT ${n}`;
}

export async function homeFeedSkeleton(db: DbOrTx, pool: Queryable, memberId: string, after: Keyset | undefined, limit: number): Promise<SkeletonRow[]> {
  const { sql: text, parameters } = homeFeedQuery(memberId, after, limit).compile(db);
  const result = await pool.query<SkeletonRow>({ name: after ? 'caucus_home_feed_after' : 'caucus_home_feed_first', text, values: parameters as unknown[] });
  return result.rows;
}

/** The pg Pool (named statements are a `pg` feature, not Kysely's). */
export interface Queryable {
  query<R extends object>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/** What a viewer may read, decided by the policy module for whole classes of walls at once. */
export interface ReadableWalls {
  viewerId: string | null;
  network: boolean;
  allPrivateGroups: boolean;
  allSecretGroups: boolean;
  /** Non-public groups the viewer reads as an active member. */
  groupIds: string[];
  publicProfiles: boolean;
  membersProfiles: boolean;
  unverifiedProfiles: boolean;
}

/**
 * A hashtag's page: its posts the viewer may read, newest first (post_hashtags_page_idx: tag,
 * created_at, post_id). The filter applies the policy's answers set by set, in the SQL, so that a
 * page is full; the rules run again on the loaded posts.
 */
export async function hashtagSkeleton(db: DbOrTx, tag: string, readable: ReadableWalls, after: Keyset | undefined, limit: number): Promise<SkeletonRow[]> {
  const r = readable;
  const keyset = after ? sql`AND (ph.created_at, ph.post_id) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql``;
  const { rows } = await sql<SkeletonRow>`
    SELECT ph.post_id AS id, ph.created_at::text AS sort_key
    FROM post_hashtags ph
    JOIN posts p ON p.id = ph.post_id AND p.deleted_at IS NULL
    LEFT JOIN groups g ON g.id = p.group_id
    LEFT JOIN members o ON o.id = p.profile_id
    WHERE ph.tag = ${tag} ${keyset}
      AND (
        (p.wall = 'network' AND ${r.network})
        OR (p.wall = 'group' AND (g.visibility = 'public'
          OR (g.visibility = 'private' AND ${r.allPrivateGroups})
          OR (g.visibility = 'secret' AND ${r.allSecretGroups})
          OR p.group_id = ANY(${r.groupIds}::uuid[])))
        OR (p.wall = 'profile' AND (p.profile_id = ${r.viewerId}::uuid
          OR (o.email_verified_at IS NULL AND ${r.unverifiedProfiles})
          OR (o.email_verified_at IS NOT NULL AND o.profile_visibility = 'public' AND ${r.publicProfiles})
          OR (o.email_verified_at IS NOT NULL AND o.profile_visibility = 'members' AND ${r.membersProfiles})))
      )
    ORDER BY ph.created_at DESC, ph.post_id DESC
    LIMIT ${limit + 1}`.execute(db);
  return rows;
}
