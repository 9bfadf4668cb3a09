// `pnpm bench:timeline` (issue 11): the home feed as today's pull against fan-out on write into a
// bounded per-member timeline (Mastodon's home feed, 800 entries), on the same data, with pg
// directly (prepared statements, as the app's pool sends them) and no HTTP in between. A
// measurement prototype: its table lives in its own schema, created here and dropped at the end.
//
// Data: the two databases of `pnpm bench` (setup.ts seedDatabases: 10,000 members, 300 groups,
// 50,000 then 500,000 posts; BENCH_POSTS_SMALL / BENCH_POSTS shrink them) on a throwaway cluster
// or BENCH_DATABASE_URL's server; or TIMELINE_DATABASES=url1,url2, databases seeded already.
// In each, the seed's largest group grows to 5,000 active members for the run.
//
// Knobs: TIMELINE_CLIENTS (10,50), TIMELINE_SECONDS per read figure (4), TIMELINE_WRITE_POSTS per
// fan-out figure (200), TIMELINE_BIG_GROUP (5000), TIMELINE_HEAVY_FOLLOWS (500), TIMELINE_PLAN_CACHE
// (force_generic_plan; auto is PostgreSQL's default). Prints one table, writes
// tests/bench/results/timeline.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../../server/src/core/db.ts';
import { startThrowawayPostgres } from '../support/postgres.ts';
import { repoRoot } from '../support/server.ts';
import { POSTS_LARGE, POSTS_SMALL, seedDatabases } from './setup.ts';
import { failClosedChecks, SEARCHED_PAGES, type FailClosedCheck } from './timeline-checks.ts';
import { LOAD_SECONDS } from './timeline-load.ts';
import { prepareCast } from './timeline-cast.ts';
import { backfillTimelines, createPrototype, dropPrototype, timelineSize } from './timeline-prototype.ts';
import { readRows } from './timeline-reads.ts';
import { TIMELINE_BOUND } from './timeline-statements.ts';
import { emptyRow, megabytes, printTimelineTable, type TimelineRow } from './timeline-table.ts';
import { writeRows } from './timeline-writes.ts';

const CLIENTS = (process.env.TIMELINE_CLIENTS ?? '10,50').split(',').map(Number);
/**
 * The app's pool prepares the hot reads so that each connection plans them once; PostgreSQL's
 * default (`auto`) may instead re-plan every run, for good, when the first members a connection
 * served made cheap custom plans, and planning either statement costs more than running it. Both
 * designs are measured on the plan the app means (generic); `auto` measures PostgreSQL's choice.
 */
const PLAN_CACHE_MODE = process.env.TIMELINE_PLAN_CACHE ?? 'force_generic_plan';
if (!['auto', 'force_generic_plan', 'force_custom_plan'].includes(PLAN_CACHE_MODE)) throw new Error(`TIMELINE_PLAN_CACHE: auto, force_generic_plan or force_custom_plan, not ${PLAN_CACHE_MODE}`);
const log = (line: string) => console.error(line);
const sizeOf = (n: number) => (n >= 1000 ? `${Math.round(n / 1000)}k` : String(n));

const machine = () => {
  const [one, five, fifteen] = loadavg().map((x) => x.toFixed(2));
  return `${availableParallelism()} cores, load average ${one} ${five} ${fifteen} (1/5/15 min)`;
};

interface Target { url: string; label: string }

/** The already-seeded databases of TIMELINE_DATABASES, each named by its number of posts. */
async function listedDatabases(urls: string[]): Promise<Target[]> {
  return Promise.all(urls.map(async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows: [count] } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM posts');
      return { url, label: `${sizeOf(count!.n)} (${new URL(url).pathname.slice(1)})` };
    } finally {
      await client.end();
    }
  }));
}

interface DatabaseResult { database: string; rows: TimelineRow[]; checks: FailClosedCheck[]; machineAtStart: string }

async function measureDatabase(target: Target): Promise<DatabaseResult> {
  const machineAtStart = machine();
  log(`${target.label}: ${machineAtStart}`);
  const handle = await openDatabase({ databaseUrl: target.url, poolMax: Math.max(...CLIENTS) });
  handle.pool.on('connect', (client) => void client.query(`SET plan_cache_mode = ${PLAN_CACHE_MODE}`));
  const database = target.label;
  try {
    await dropPrototype(handle.db);
    await createPrototype(handle.db);
    const cast = await prepareCast(handle.db);
    log(`${database}: filling every member's timeline…`);
    const backfill = await backfillTimelines(handle.db);
    const size = await timelineSize(handle.db);
    const rows: TimelineRow[] = [
      { ...emptyRow(database, `fill every timeline (${size.members} members), one statement`, 'timeline'), p50Ms: Math.round(backfill.ms), rows: backfill.rows, note: 'the time is one run\'s, in the p50 column' },
      { ...emptyRow(database, `home_timeline on disk, all ${size.members} members`, 'timeline'), rows: size.rows, megabytes: megabytes(size.bytes), note: `${Math.round(size.rows / size.members)} entries per member` },
      { ...emptyRow(database, 'home_timeline on disk, per 1,000 members', 'timeline'), rows: Math.round((size.rows / size.members) * 1000), megabytes: megabytes(size.bytesPerThousandMembers) },
    ];
    const checks = await failClosedChecks(handle.db, cast.benchReader.id);
    log(`${database}: reads…`);
    rows.push(...await readRows(handle.db, database, [
      { name: 'bench reader', reader: cast.benchReader },
      { name: `member of the ${cast.bigGroup.members}-member group`, reader: cast.bigGroupReader },
      { name: 'member following many', reader: cast.heavyReader },
    ], CLIENTS, log));
    log(`${database}: writes…`);
    rows.push(...await writeRows(handle.db, database, cast));
    return { database, rows, checks, machineAtStart };
  } finally {
    await dropPrototype(handle.db);
    await handle.close();
  }
}

const checkLine = (database: string, check: FailClosedCheck) => check.before === null
  ? `  ${database}, ${check.change}: no such post on the reader's first ${SEARCHED_PAGES} pages, not checked`
  : `  ${database}, ${check.change}: ${check.before} of its posts on the page before; after, timeline ${check.timelineAfter}, pull ${check.pullAfter}, page ${check.fullPage ? 'still full' : 'SHORT'}: ${check.passed ? 'PASSED' : 'FAILED'}`;

async function main(): Promise<void> {
  const started = Date.now();
  console.log(`start: ${machine()}, node ${process.version}`);
  const listed = process.env.TIMELINE_DATABASES?.split(',').filter(Boolean);
  const external = process.env.BENCH_DATABASE_URL;
  const cluster = listed || external ? null : await startThrowawayPostgres();
  try {
    let targets: Target[];
    if (listed) targets = await listedDatabases(listed);
    else {
      const seeded = await seedDatabases(external ?? cluster!.url, log, { forums: false });
      targets = [{ url: seeded.small, label: sizeOf(POSTS_SMALL) }, { url: seeded.large, label: sizeOf(POSTS_LARGE) }];
      console.log(`seeded ${POSTS_SMALL} and ${POSTS_LARGE} posts in ${Math.round((Date.now() - started) / 1000)} s`);
    }
    const results: DatabaseResult[] = [];
    for (const target of targets) results.push(await measureDatabase(target));

    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(`\nhome feed: pull (today) against a timeline bounded to ${TIMELINE_BOUND} per member, filled on write; ${LOAD_SECONDS} s per read figure, page of 20, plan_cache_mode ${PLAN_CACHE_MODE}`);
    console.log(printTimelineTable(results.flatMap((result) => result.rows)));
    console.log('\nfail closed (each change inside a rolled-back transaction, the page read again in it):');
    for (const result of results) for (const check of result.checks) console.log(checkLine(result.database, check));
    console.log(`\nend: ${machine()}`);
    console.log(`wall clock: ${Math.floor(seconds / 60)} min ${seconds % 60} s`);

    mkdirSync(path.join(repoRoot, 'tests/bench/results'), { recursive: true });
    writeFileSync(path.join(repoRoot, 'tests/bench/results/timeline.json'), JSON.stringify({
      machine: { cores: availableParallelism(), node: process.version, loadAverageAtEnd: loadavg() },
      setup: { timelineBound: TIMELINE_BOUND, planCacheMode: PLAN_CACHE_MODE, clients: CLIENTS, secondsPerReadFigure: LOAD_SECONDS, databases: results.map((r) => ({ database: r.database, machineAtStart: r.machineAtStart })) },
      rows: results.flatMap((result) => result.rows),
      failClosed: results.flatMap((result) => result.checks.map((check) => ({ database: result.database, ...check }))),
      wallClockSeconds: seconds,
    }, null, 2));
  } finally {
    cluster?.stop();
  }
}

await main();
