// The prototype's place in a database: its own schema (no migration: this is a measurement), and
// a record there of every row the run adds to the product's tables (timeline-cast.ts: members put
// into a group, a new group, follows; timeline-writes.ts: posts), so that dropPrototype puts the
// database back as found, even after a run that died.
import { sql } from 'kysely';
import type { Db } from '../../server/src/core/db.ts';
import { newId } from '../../server/src/core/ids.ts';
import { timed } from './timeline-load.ts';
import { backfillStatement, SCHEMA, TIMELINE } from './timeline-statements.ts';

export const RECORDS = {
  memberships: sql.table(`${SCHEMA}.added_memberships`),
  groups: sql.table(`${SCHEMA}.added_groups`),
  posts: sql.table(`${SCHEMA}.added_posts`),
  follows: sql.table(`${SCHEMA}.added_follows`),
};

/** Removes what a previous run added, then the schema; a no-op on a clean database. */
export async function dropPrototype(db: Db): Promise<void> {
  const { rows } = await sql<{ present: boolean }>`SELECT to_regclass(${`${SCHEMA}.added_posts`}) IS NOT NULL AS present`.execute(db);
  await db.transaction().execute(async (trx) => {
    if (rows[0]?.present) {
      await sql`DELETE FROM posts WHERE id IN (SELECT id FROM ${RECORDS.posts})`.execute(trx);
      await sql`DELETE FROM group_members gm USING ${RECORDS.memberships} a WHERE gm.group_id = a.group_id AND gm.member_id = a.member_id`.execute(trx);
      await sql`DELETE FROM groups WHERE id IN (SELECT id FROM ${RECORDS.groups})`.execute(trx);
      await sql`DELETE FROM follows f USING ${RECORDS.follows} a WHERE f.follower_id = a.follower_id AND f.followee_id = a.followee_id`.execute(trx);
    }
    await sql`DROP SCHEMA IF EXISTS ${sql.id(SCHEMA)} CASCADE`.execute(trx);
  });
  // The planner's statistics of the tables the run grew, back to what they hold.
  if (rows[0]?.present) await sql`ANALYZE group_members, follows`.execute(db);
}

export async function createPrototype(db: Db): Promise<void> {
  await sql`CREATE SCHEMA ${sql.id(SCHEMA)}`.execute(db);
  // All three columns are the key: the table is its own index (a heap beside it, as PostgreSQL has no index-organized tables).
  await sql`CREATE TABLE ${TIMELINE} (member_id uuid, created_at timestamptz, post_id uuid, PRIMARY KEY (member_id, created_at, post_id))`.execute(db);
  await sql`CREATE TABLE ${RECORDS.memberships} (group_id uuid, member_id uuid)`.execute(db);
  await sql`CREATE TABLE ${RECORDS.groups} (id uuid)`.execute(db);
  await sql`CREATE TABLE ${RECORDS.posts} (id uuid)`.execute(db);
  await sql`CREATE TABLE ${RECORDS.follows} (follower_id uuid, followee_id uuid)`.execute(db);
}

/** Writes a post as the app would (its own committed transaction), recorded for the cleanup. */
export async function writePost(db: Db, post: { authorId: string; groupId: string | null }): Promise<string> {
  const id = newId();
  const wall = post.groupId ? 'group' : 'profile';
  await sql`WITH written AS (
      INSERT INTO posts (id, author_id, wall, group_id, profile_id, body, body_html)
      VALUES (${id}, ${post.authorId}, ${wall}, ${post.groupId}, ${post.groupId ? null : post.authorId}, 'Bench timeline', '<p>Bench timeline</p>')
      RETURNING id)
    INSERT INTO ${RECORDS.posts} SELECT id FROM written`.execute(db);
  return id;
}

/** Every member's timeline from the posts already there: how long, how many rows. VACUUM after, as autovacuum would soon. */
export async function backfillTimelines(db: Db): Promise<{ ms: number; rows: number }> {
  const { ms, value } = await timed(() => backfillStatement().execute(db));
  await sql`VACUUM (ANALYZE) ${TIMELINE}`.execute(db);
  return { ms, rows: Number(value.numAffectedRows ?? 0) };
}

export interface TimelineSize { bytes: number; rows: number; members: number; bytesPerThousandMembers: number }

export async function timelineSize(db: Db): Promise<TimelineSize> {
  const { rows: [size] } = await sql<{ bytes: string; rows: number; members: number }>`
    SELECT pg_total_relation_size(${`${SCHEMA}.home_timeline`}) AS bytes, (SELECT count(*)::int FROM ${TIMELINE}) AS rows,
      (SELECT count(*)::int FROM members) AS members`.execute(db);
  const bytes = Number(size!.bytes);
  return { bytes, rows: size!.rows, members: size!.members, bytesPerThousandMembers: Math.round((bytes / size!.members) * 1000) };
}
