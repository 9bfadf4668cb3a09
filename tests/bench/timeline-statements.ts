// The statements of fan-out on write, beside today's pull (feed-queries.ts homeFeedQuery), all
// saying one rule in SQL: who reads a post in their home feed. A group's post goes to the group's
// active members, and also to its author's followers when the group is public; a profile post to
// its author's followers; the author reads their own. The network wall is read by every member, so
// it is never copied: it stays a keyset scan, merged in at read time.
import { sql, type RawBuilder } from 'kysely';
import { homeFeedQuery } from '../../server/src/features/posts/feed-queries.ts';
import type { Keyset } from '../../server/src/features/posts/queries.ts';

export const SCHEMA = 'bench_timeline';
export const TIMELINE = sql.table(`${SCHEMA}.home_timeline`);
/** Entries kept per member, as Mastodon keeps 800 in a home feed. */
export const TIMELINE_BOUND = 800;

/** `(created_at, post_id) < cursor` on a timeline alias: home_timeline's own keyset. */
const entryOlderThan = (after: Keyset | undefined, alias: string): RawBuilder<boolean> =>
  after ? sql<boolean>`(${sql.ref(`${alias}.created_at`)}, ${sql.ref(`${alias}.post_id`)}) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql<boolean>`true`;

const follows = (memberId: RawBuilder<unknown> | string, authorId: RawBuilder<unknown>) =>
  sql`EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${memberId}::uuid AND f.followee_id = ${authorId})`;

/**
 * Whether `memberId` may still read post `p` in their home feed, asked again at read time: a
 * timeline row only says that they could when it was written. The same rule as the pull's, so
 * that a ban, a leave, a group made private or secret or an unfollow takes effect at once; what
 * matches no case is dropped (fail closed).
 */
function readableNow(memberId: string): RawBuilder<boolean> {
  const me = sql`${memberId}::uuid`;
  return sql<boolean>`(
    (p.wall = 'group' AND (
      EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = p.group_id AND gm.member_id = ${me} AND gm.state = 'active')
      OR ((p.author_id = ${me} OR ${follows(me, sql`p.author_id`)})
        AND EXISTS (SELECT 1 FROM groups g WHERE g.id = p.group_id AND g.visibility = 'public'))))
    OR (p.wall = 'profile' AND (p.author_id = ${me} OR ${follows(me, sql`p.author_id`)})))`;
}

/** The member's newest `n` timeline entries below the cursor that pass the re-check: (id, created_at). */
function readableEntries(memberId: string, after: Keyset | undefined, n: number): RawBuilder<unknown> {
  return sql`
    SELECT h.post_id AS id, h.created_at FROM ${TIMELINE} h
    JOIN posts p ON p.id = h.post_id AND p.deleted_at IS NULL
    WHERE h.member_id = ${memberId} AND ${entryOlderThan(after, 'h')} AND ${readableNow(memberId)}
    ORDER BY h.created_at DESC, h.post_id DESC LIMIT ${n}`;
}

/** Whether timelineFeedQuery answers this page from the timeline (true) or falls back to the pull. */
export const servedByTimeline = (memberId: string, after: Keyset | undefined, limit: number): RawBuilder<{ served: boolean }> =>
  sql<{ served: boolean }>`SELECT count(*) = ${limit + 1} AS served FROM (${readableEntries(memberId, after, limit + 1)}) e`;

/**
 * The hybrid's skeleton, shaped like homeFeedQuery's (id, sort_key, part, ord) so that the same
 * hydratedPosts wraps it: the member's timeline rows that pass the re-check, merged with a keyset
 * scan of the network wall. The timeline is bounded, so it can serve a page only while it holds a
 * full one below the cursor; past that (deep pages, or a page the re-check thinned out at the bound)
 * the same statement pulls instead. The branch not taken is gated by a one-time filter and never runs.
 */
export function timelineFeedQuery(memberId: string, after: Keyset | undefined, limit: number): RawBuilder<unknown> {
  const n = limit + 1;
  const networkOlderThan = after ? sql`(w.created_at, w.id) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql`true`;
  return sql`
    WITH from_timeline AS MATERIALIZED (${readableEntries(memberId, after, n)})
    SELECT page.id, page.created_at::text AS sort_key, 'page'::text AS part,
      row_number() OVER (ORDER BY page.created_at DESC, page.id DESC) AS ord FROM (
      SELECT feed.id, feed.created_at FROM (
        (SELECT t.id, t.created_at FROM from_timeline t)
        UNION ALL
        (SELECT w.id, w.created_at FROM posts w
          WHERE w.wall = 'network' AND w.deleted_at IS NULL AND ${networkOlderThan}
          ORDER BY w.created_at DESC, w.id DESC LIMIT ${n})
      ) feed
      ORDER BY feed.created_at DESC, feed.id DESC LIMIT ${n}) page
    WHERE (SELECT count(*) FROM from_timeline) = ${n}
    UNION ALL
    SELECT pulled.id, pulled.sort_key, pulled.part, pulled.ord FROM (${homeFeedQuery(memberId, after, limit)}) pulled
    WHERE (SELECT count(*) FROM from_timeline) < ${n}`;
}

/**
 * Fills every member's timeline from the posts already written, in one statement: per member,
 * homeFeedQuery's sources but the network wall, newest TIMELINE_BOUND. Members in id order and
 * each one's rows oldest first, so the primary key grows at its right edge and its pages stay full.
 */
export function backfillStatement(): RawBuilder<unknown> {
  return sql`
    INSERT INTO ${TIMELINE} (member_id, created_at, post_id)
    SELECT m.id, t.created_at, t.id FROM (SELECT id FROM members ORDER BY id) m
    CROSS JOIN LATERAL (SELECT newest.id, newest.created_at FROM (
      SELECT c.id, c.created_at FROM (
        (SELECT gp.id, gp.created_at FROM group_members gm CROSS JOIN LATERAL (
          SELECT p.id, p.created_at FROM posts p WHERE p.group_id = gm.group_id AND p.deleted_at IS NULL
          ORDER BY p.created_at DESC, p.id DESC LIMIT ${TIMELINE_BOUND}) gp
        WHERE gm.member_id = m.id AND gm.state = 'active')
        UNION
        (SELECT ap.id, ap.created_at FROM (SELECT f.followee_id AS id FROM follows f WHERE f.follower_id = m.id UNION SELECT m.id) a
        CROSS JOIN LATERAL (
          SELECT p.id, p.created_at FROM posts p
          WHERE p.author_id = a.id AND p.deleted_at IS NULL
            AND (p.wall = 'profile' OR (p.wall = 'group' AND (
              EXISTS (SELECT 1 FROM group_members mg WHERE mg.group_id = p.group_id AND mg.member_id = m.id AND mg.state = 'active')
              OR EXISTS (SELECT 1 FROM groups g WHERE g.id = p.group_id AND g.visibility = 'public'))))
          ORDER BY p.created_at DESC, p.id DESC LIMIT ${TIMELINE_BOUND}) ap)
      ) c ORDER BY c.created_at DESC, c.id DESC LIMIT ${TIMELINE_BOUND}) newest
      ORDER BY newest.created_at, newest.id) t`;
}

/**
 * What the pg-boss job would run once the post's transaction has committed: one INSERT … SELECT
 * of a row per reader. It reads the post again, so a post deleted meanwhile fans out to no one.
 */
export function fanOutStatement(postId: string): RawBuilder<unknown> {
  return sql`
    INSERT INTO ${TIMELINE} (member_id, created_at, post_id)
    SELECT reader.id, p.created_at, p.id FROM posts p CROSS JOIN LATERAL (
      SELECT gm.member_id AS id FROM group_members gm WHERE gm.group_id = p.group_id AND gm.state = 'active'
      UNION
      SELECT f.follower_id FROM follows f WHERE f.followee_id = p.author_id
        AND (p.wall = 'profile' OR EXISTS (SELECT 1 FROM groups g WHERE g.id = p.group_id AND g.visibility = 'public'))
      UNION
      SELECT p.author_id
    ) reader
    WHERE p.id = ${postId} AND p.deleted_at IS NULL AND p.wall <> 'network'
    ON CONFLICT DO NOTHING`;
}

/**
 * The periodic trim: for each member of `scope` (a SELECT of member ids), deletes the entries
 * older than their TIMELINE_BOUND-th newest. Finding that edge reads the member's newest
 * TIMELINE_BOUND keys from the index, which is why it runs now and then and not after every post.
 */
export function trimStatement(scope: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    DELETE FROM ${TIMELINE} h USING (
      SELECT s.id AS member_id, edge.created_at, edge.post_id FROM (${scope}) s(id)
      CROSS JOIN LATERAL (
        SELECT t.created_at, t.post_id FROM ${TIMELINE} t WHERE t.member_id = s.id
        ORDER BY t.created_at DESC, t.post_id DESC OFFSET ${TIMELINE_BOUND - 1} LIMIT 1) edge
    ) oldest_kept
    WHERE h.member_id = oldest_kept.member_id AND (h.created_at, h.post_id) < (oldest_kept.created_at, oldest_kept.post_id)`;
}
