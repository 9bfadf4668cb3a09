// What fan-out on write costs the writer's side: each post is written and committed as the app
// does (untimed), then the job's transaction (the fan-out statement and its commit) is timed, one
// post at a time. Then the periodic trim back to TIMELINE_BOUND entries per member, twice: once
// with the posts' excess to delete, once with nothing, which is the sweep's fixed cost.
import { sql } from 'kysely';
import type { Db } from '../../server/src/core/db.ts';
import { summarize, timed } from './timeline-load.ts';
import type { TimelineCast } from './timeline-cast.ts';
import { writePost } from './timeline-prototype.ts';
import { fanOutStatement, TIMELINE_BOUND, trimStatement } from './timeline-statements.ts';
import { emptyRow, type TimelineRow } from './timeline-table.ts';

const POSTS = Number(process.env.TIMELINE_WRITE_POSTS ?? 200);

async function fanOutRow(db: Db, database: string, work: string, post: { authorId: string; groupId: string | null }): Promise<TimelineRow> {
  const latencies: number[] = [];
  const written: number[] = [];
  for (let i = 0; i < POSTS; i++) {
    const postId = await writePost(db, post);
    const { ms, value } = await timed(() => db.transaction().execute((trx) => fanOutStatement(postId).execute(trx)));
    latencies.push(ms);
    written.push(Number(value.numAffectedRows ?? 0));
  }
  const figure = summarize(latencies);
  const rowsPerPost = Math.round(written.reduce((a, b) => a + b, 0) / POSTS);
  return { ...emptyRow(database, work, 'timeline'), p50Ms: figure.p50Ms, p99Ms: figure.p99Ms, rows: rowsPerPost, note: `the job's transaction (statement and commit), ${POSTS} posts one at a time; rows written per post` };
}

async function trimRow(db: Db, database: string, work: string): Promise<TimelineRow> {
  const { ms, value } = await timed(() => trimStatement(sql`SELECT id FROM members`).execute(db));
  return { ...emptyRow(database, work, 'timeline'), p50Ms: ms, rows: Number(value.numAffectedRows ?? 0), note: `one statement over every member: rows deleted (the time is one run's, in the p50 column)` };
}

export async function writeRows(db: Db, database: string, cast: TimelineCast): Promise<TimelineRow[]> {
  const { smallGroup, bigGroup, benchReader } = cast;
  return [
    await fanOutRow(db, database, `fan-out of a post, group of ${smallGroup.members} (public)`, { authorId: smallGroup.authorId, groupId: smallGroup.id }),
    await fanOutRow(db, database, `fan-out of a post, group of ${bigGroup.members} (${bigGroup.visibility})`, { authorId: bigGroup.authorId, groupId: bigGroup.id }),
    await fanOutRow(db, database, 'fan-out of a profile post (its author\'s followers)', { authorId: benchReader.id, groupId: null }),
    await trimRow(db, database, `trim to ${TIMELINE_BOUND} per member, after those ${POSTS * 3} posts`),
    await trimRow(db, database, `trim to ${TIMELINE_BOUND} per member, nothing to trim`),
  ];
}
