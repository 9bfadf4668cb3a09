// The data every bench run reads: a throwaway cluster (or BENCH_DATABASE_URL's server) with two
// databases seeded once, `seed --demo` then `seed --scale` (members, groups, 50,000 posts), the
// second a copy of the first grown to 500,000 posts and given forums (200,000 threads, 2,000,000
// replies); and in each, the members the bench acts as.
import pg from 'pg';
import { caucus } from '../support/server.ts';
import { sessionsFor } from './lib.ts';

export const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
export const GROUPS = Number(process.env.BENCH_GROUPS ?? 300);
export const POSTS_SMALL = Number(process.env.BENCH_POSTS_SMALL ?? 50_000);
export const POSTS_LARGE = Number(process.env.BENCH_POSTS ?? 500_000);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const FANOUT_CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 1000);
/** Forums on the large database: threads and replies. */
export const THREADS = Number(process.env.BENCH_THREADS ?? 200_000);
export const REPLIES = Number(process.env.BENCH_REPLIES ?? 2_000_000);

const urlOf = (serverUrl: string, database: string) => {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
};

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** Seeds both databases; gives back their URLs. The copy is made while nothing is connected to the first. */
export async function seedDatabases(serverUrl: string, log: (line: string) => void, options: { forums?: boolean } = {}): Promise<{ small: string; large: string }> {
  const small = urlOf(serverUrl, 'caucus_bench_50k');
  const large = urlOf(serverUrl, 'caucus_bench_500k');
  for (const name of ['caucus_bench_500k', 'caucus_bench_50k']) await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await onServer(serverUrl, 'CREATE DATABASE caucus_bench_50k');
  await caucus(['migrate'], { DATABASE_URL: small });
  log(await caucus(['seed', '--demo'], { DATABASE_URL: small }));
  log(await caucus(['seed', '--scale', String(MEMBERS), '--groups', String(GROUPS), '--posts', String(POSTS_SMALL)], { DATABASE_URL: small }));
  await onServer(serverUrl, 'CREATE DATABASE caucus_bench_500k TEMPLATE caucus_bench_50k');
  log(await caucus(['seed', '--posts', String(POSTS_LARGE - POSTS_SMALL)], { DATABASE_URL: large }));
  if (options.forums !== false) log(await caucus(['seed', '--forums', String(THREADS), '--replies', String(REPLIES)], { DATABASE_URL: large }));
  return { small, large };
}

export interface Cast {
  /** The first scale member: 5 groups, 50 followees (scale-walls.ts). */
  reader: { id: string; cookie: string; groups: number; follows: number };
  /** The group with the most members (public: the seed's first group), and a member's profile with posts. */
  bigGroup: { id: string; slug: string; members: number };
  profileHandle: string;
  /** CONNECTIONS members of the big group posting there; CONNECTIONS members each posting in their own group. */
  oneGroupPosters: string[];
  manyGroupPosters: Array<{ cookie: string; groupId: string; slug: string }>;
  /** FANOUT_CLIENTS members of the big group listening, and one more who posts. */
  listeners: string[];
  fanoutPoster: string;
  /** A plain member of the big group who never posts (the first listener): the group wall page's reader. */
  pageReader: { id: string; cookie: string };
}

/** The members a run acts as, with sessions written straight into the database (a login each would only measure argon2). */
export async function castOf(databaseUrl: string): Promise<Cast> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const one = async <R extends object>(text: string, values: unknown[] = []) => (await db.query<R>(text, values)).rows;
    const [reader] = await one<{ id: string; groups: number; follows: number }>(
      `SELECT id, (SELECT count(*)::int FROM group_members WHERE member_id = m.id AND state = 'active') AS groups,
         (SELECT count(*)::int FROM follows WHERE follower_id = m.id) AS follows
       FROM members m WHERE email LIKE 'm0.%@scale.caucus.test'`);
    const [bigGroup] = await one<{ id: string; slug: string; members: number }>(`SELECT id, slug, member_count AS members FROM groups ORDER BY member_count DESC, id LIMIT 1`);
    // The members-only profile with the most posts on its wall (one pass over posts, grouped).
    const [profile] = await one<{ handle: string }>(
      `SELECT m.handle FROM posts p JOIN members m ON m.id = p.profile_id
       WHERE p.wall = 'profile' AND m.email LIKE '%@scale.caucus.test' AND m.profile_visibility = 'members'
       GROUP BY m.id, m.handle ORDER BY count(*) DESC, m.id LIMIT 1`);
    const inBigGroup = (await one<{ member_id: string }>(
      `SELECT gm.member_id FROM group_members gm JOIN members m ON m.id = gm.member_id
       WHERE gm.group_id = $1 AND gm.state = 'active' AND gm.role = 'member' AND m.email LIKE '%@scale.caucus.test' AND gm.member_id <> $2 ORDER BY m.email LIMIT $3`,
      [bigGroup!.id, reader!.id, CONNECTIONS + FANOUT_CLIENTS + 1])).map((row) => row.member_id);
    if (inBigGroup.length < CONNECTIONS + FANOUT_CLIENTS + 1) throw new Error(`the largest group has too few members (${inBigGroup.length}) for ${FANOUT_CLIENTS} live clients`);
    // One member per group, each in a different group than the others, none of them in the big group's lists above.
    const manyGroups = await one<{ member_id: string; group_id: string; slug: string }>(
      `SELECT DISTINCT ON (g.id) gm.member_id, g.id AS group_id, g.slug FROM groups g JOIN group_members gm ON gm.group_id = g.id AND gm.state = 'active'
       JOIN members m ON m.id = gm.member_id AND m.email LIKE '%@scale.caucus.test'
       WHERE g.id <> $1 AND NOT gm.member_id = ANY($2::uuid[]) ORDER BY g.id, gm.member_id LIMIT $3`,
      [bigGroup!.id, inBigGroup, CONNECTIONS * 2]);
    const distinctMembers = new Set(manyGroups.map((row) => row.member_id));
    const manyPosters = manyGroups.filter((row) => distinctMembers.delete(row.member_id)).slice(0, CONNECTIONS);
    const [readerCookie] = await sessionsFor(databaseUrl, [reader!.id]);
    const oneGroupPosters = await sessionsFor(databaseUrl, inBigGroup.slice(0, CONNECTIONS));
    const manyCookies = await sessionsFor(databaseUrl, manyPosters.map((row) => row.member_id));
    const listeners = await sessionsFor(databaseUrl, inBigGroup.slice(CONNECTIONS, CONNECTIONS + FANOUT_CLIENTS));
    const [fanoutPoster] = await sessionsFor(databaseUrl, inBigGroup.slice(CONNECTIONS + FANOUT_CLIENTS));
    return {
      reader: { ...reader!, cookie: readerCookie! },
      bigGroup: bigGroup!,
      profileHandle: profile!.handle,
      oneGroupPosters,
      manyGroupPosters: manyPosters.map((row, i) => ({ cookie: manyCookies[i]!, groupId: row.group_id, slug: row.slug })),
      listeners,
      fanoutPoster: fanoutPoster!,
      pageReader: { id: inBigGroup[CONNECTIONS]!, cookie: listeners[0]! },
    };
  } finally {
    await db.end();
  }
}
