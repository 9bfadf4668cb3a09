import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '#core/db.ts';
import { olderThan, type Keyset } from './queries.ts';
import { hydratedPosts, type HydratedRow } from './read-statement.ts';


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
 */
export function homeFeedQuery(memberId: string, after: Keyset | undefined, limit: number): RawBuilder<unknown> {
  const n = limit + 1;
  return sql`
    WITH my_groups AS MATERIALIZED (
      SELECT group_id AS id FROM group_members WHERE member_id = ${memberId} AND state = 'active'
    ), authors AS MATERIALIZED (
      SELECT followee_id AS id FROM follows WHERE follower_id = ${memberId}
      UNION SELECT ${memberId}::uuid
    )
    SELECT page.id, page.created_at::text AS sort_key, 'page'::text AS part,
      row_number() OVER (ORDER BY page.created_at DESC, page.id DESC) AS ord FROM (
    SELECT feed.id, feed.created_at FROM (
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
    LIMIT ${n}) page`;
}

/** The home feed's page, skeleton and hydration in one (prepared) statement. */
export async function homeFeedPage(db: DbOrTx, memberId: string, after: Keyset | undefined, limit: number): Promise<HydratedRow[]> {
  const { rows } = await hydratedPosts(homeFeedQuery(memberId, after, limit), memberId).execute(db);
  return rows;
}

/** What a viewer may read, decided by the policy module for whole classes of walls at once. */
export interface ReadableWalls {
  viewerId: string | null;
  network: boolean;
  allPrivateGroups: boolean;
  allSecretGroups: boolean;
  /** Whether the viewer reads the non-public groups they are an active member of. */
  activeMemberGroups: boolean;
  publicProfiles: boolean;
  membersProfiles: boolean;
  unverifiedProfiles: boolean;
}

/**
 * A hashtag's page: its posts the viewer may read, newest first (post_hashtags_page_idx: tag,
 * created_at, post_id). The filter applies the policy's answers set by set, in the SQL, so that a
 * page is full; the rules run again on the loaded posts.
 */
export function hashtagSkeleton(tag: string, readable: ReadableWalls, after: Keyset | undefined, limit: number): RawBuilder<unknown> {
  const r = readable;
  const keyset = after ? sql`AND (ph.created_at, ph.post_id) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql``;
  return sql`
    SELECT page.id, page.created_at::text AS sort_key, 'page'::text AS part,
      row_number() OVER (ORDER BY page.created_at DESC, page.id DESC) AS ord FROM (
    SELECT ph.post_id AS id, ph.created_at
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
          OR (${r.activeMemberGroups} AND p.group_id IN (SELECT gm.group_id FROM group_members gm WHERE gm.member_id = ${r.viewerId}::uuid AND gm.state = 'active'))))
        OR (p.wall = 'profile' AND (p.profile_id = ${r.viewerId}::uuid
          OR (o.email_verified_at IS NULL AND ${r.unverifiedProfiles})
          OR (o.email_verified_at IS NOT NULL AND o.profile_visibility = 'public' AND ${r.publicProfiles})
          OR (o.email_verified_at IS NOT NULL AND o.profile_visibility = 'members' AND ${r.membersProfiles})))
      )
    ORDER BY ph.created_at DESC, ph.post_id DESC
    LIMIT ${limit + 1}) page`;
}
