// Who reads and who writes in the timeline bench, chosen in the seeded data and, where the seed
// has no such member or group, made for the run: the seed's largest group grown to 5,000 active
// members, a new group of 50, a member who follows 500. Each added row is recorded (RECORDS) for
// dropPrototype to remove.
import { randomBytes } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../server/src/core/db.ts';
import { newId } from '../../server/src/core/ids.ts';
import { RECORDS } from './timeline-prototype.ts';

const BIG_GROUP_MEMBERS = Number(process.env.TIMELINE_BIG_GROUP ?? 5_000);
const SMALL_GROUP_MEMBERS = 50;
/** The pull scans once per followee: a member who follows many is where a timeline should win. */
const HEAVY_FOLLOWS = Number(process.env.TIMELINE_HEAVY_FOLLOWS ?? 500);

export interface Reader { id: string; groups: number; follows: number }
export interface TimelineCast {
  /** castOf's reader (tests/bench/setup.ts), found without writing sessions: 5 groups, 50 followees. */
  benchReader: Reader;
  /** A plain member of the big group who was in it before the bench grew it. */
  bigGroupReader: Reader;
  /** A member in neither of those groups made to follow HEAVY_FOLLOWS members. */
  heavyReader: Reader;
  bigGroup: { id: string; visibility: string; members: number; authorId: string };
  smallGroup: { id: string; members: number; authorId: string };
}

async function readerOf(db: Db, where: RawBuilder<unknown>): Promise<Reader> {
  const { rows } = await sql<Reader>`
    SELECT m.id, (SELECT count(*)::int FROM group_members WHERE member_id = m.id AND state = 'active') AS groups,
      (SELECT count(*)::int FROM follows WHERE follower_id = m.id) AS follows
    FROM members m WHERE ${where} ORDER BY m.email LIMIT 1`.execute(db);
  if (!rows[0]) throw new Error('no scale members: seed with `seed --scale`');
  return rows[0];
}

const activeCount = async (db: Db, groupId: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM group_members WHERE group_id = ${groupId} AND state = 'active'`.execute(db)).rows[0]!.n;

/** Adds scale members (never the bench reader, who keeps their 5 groups) to a group until it has `target` active ones. */
async function growGroup(db: Db, groupId: string, target: number, readerId: string): Promise<number> {
  const missing = target - (await activeCount(db, groupId));
  if (missing > 0) {
    await sql`WITH added AS (
        INSERT INTO group_members (group_id, member_id, state, role)
        SELECT ${groupId}, m.id, 'active', 'member' FROM members m
        WHERE m.email LIKE '%@scale.caucus.test' AND m.id <> ${readerId}
          AND NOT EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = ${groupId} AND gm.member_id = m.id)
        ORDER BY m.email LIMIT ${missing}
        RETURNING group_id, member_id)
      INSERT INTO ${RECORDS.memberships} SELECT group_id, member_id FROM added`.execute(db);
  }
  return activeCount(db, groupId);
}

/** A new public group of `size` scale members (the reader left out). */
async function newGroup(db: Db, size: number, readerId: string): Promise<string> {
  const id = newId();
  await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO groups (id, slug, name, visibility) VALUES (${id}, ${`bench-timeline-${randomBytes(4).toString('hex')}`}, 'Bench timeline', 'public')`.execute(trx);
    await sql`INSERT INTO ${RECORDS.groups} VALUES (${id})`.execute(trx);
    await sql`INSERT INTO group_members (group_id, member_id, state, role)
      SELECT ${id}, id, 'active', 'member' FROM members WHERE email LIKE '%@scale.caucus.test' AND id <> ${readerId} ORDER BY email DESC LIMIT ${size}`.execute(trx);
  });
  return id;
}

/** Makes `memberId` follow scale members until they follow `target`. */
async function followMany(db: Db, memberId: string, target: number): Promise<void> {
  await sql`WITH added AS (
      INSERT INTO follows (follower_id, followee_id)
      SELECT ${memberId}, m.id FROM members m
      WHERE m.email LIKE '%@scale.caucus.test' AND m.id <> ${memberId}
        AND NOT EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = ${memberId} AND f.followee_id = m.id)
      ORDER BY m.email LIMIT greatest(0, ${target} - (SELECT count(*) FROM follows WHERE follower_id = ${memberId}))
      RETURNING follower_id, followee_id)
    INSERT INTO ${RECORDS.follows} SELECT follower_id, followee_id FROM added`.execute(db);
}

const firstActiveMember = async (db: Db, groupId: string) =>
  (await sql<{ id: string }>`SELECT member_id AS id FROM group_members WHERE group_id = ${groupId} AND state = 'active' ORDER BY member_id LIMIT 1`.execute(db)).rows[0]!.id;

/** The readers and groups of the measurement; grows the seed's largest group (castOf's bigGroup) to BIG_GROUP_MEMBERS. */
export async function prepareCast(db: Db): Promise<TimelineCast> {
  const benchReader = await readerOf(db, sql`m.email LIKE 'm0.%@scale.caucus.test'`);
  const { rows: [largest] } = await sql<{ id: string; visibility: string }>`SELECT id, visibility FROM groups ORDER BY member_count DESC, id LIMIT 1`.execute(db);
  const bigGroupReader = await readerOf(db, sql`m.email LIKE '%@scale.caucus.test' AND m.id <> ${benchReader.id}
    AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.group_id = ${largest!.id} AND gm.member_id = m.id AND gm.state = 'active' AND gm.role = 'member')`);
  const bigMembers = await growGroup(db, largest!.id, BIG_GROUP_MEMBERS, benchReader.id);
  const smallId = await newGroup(db, SMALL_GROUP_MEMBERS, benchReader.id);
  const heavy = await readerOf(db, sql`m.email LIKE '%@scale.caucus.test' AND m.id <> ${benchReader.id}
    AND NOT EXISTS (SELECT 1 FROM group_members gm WHERE gm.member_id = m.id AND gm.group_id IN (${largest!.id}, ${smallId}))`);
  await followMany(db, heavy.id, HEAVY_FOLLOWS);
  const heavyReader = await readerOf(db, sql`m.id = ${heavy.id}`);
  // The planner sees the grown group and the added follows as they are.
  await sql`ANALYZE group_members, follows`.execute(db);
  return {
    benchReader,
    bigGroupReader,
    heavyReader,
    bigGroup: { id: largest!.id, visibility: largest!.visibility, members: bigMembers, authorId: await firstActiveMember(db, largest!.id) },
    smallGroup: { id: smallId, members: await activeCount(db, smallId), authorId: await firstActiveMember(db, smallId) },
  };
}
