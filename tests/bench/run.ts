// `pnpm bench`: the issue's table in one run. A throwaway PostgreSQL cluster (or the server at
// BENCH_DATABASE_URL) gets two databases seeded once (setup.ts: 10,000 members, 300 groups, 50,000
// posts; a copy grown to 500,000). Against each, the built `caucus serve` with default flags and
// the one-query ceilings (ceiling-server.ts); against the large one also the SvelteKit ceiling
// (sveltekit-ceiling/, built here), a second `caucus serve`, a bare socket.io and two bare
// socket.io processes with the PostgreSQL adapter. Every row is measured BENCH_RUNS times (default
// 1) against the same data, each figure beside its ceiling from the same run; the Caucus servers'
// memory is sampled throughout. Prints one table per run and writes tests/bench/results/bench.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { freePort, startThrowawayPostgres } from '../support/postgres.ts';
import { repoRoot, startServer, type RunningServer } from '../support/server.ts';
import { feedRows, wallRows } from './bench-reads.ts';
import { forumCastOf, forumRows } from './bench-forums.ts';
import { liveRows } from './bench-live.ts';
import { pageRows } from './bench-pages.ts';
import { writeRows } from './bench-writes.ts';
import { DURATION_S } from './lib.ts';
import { sampleMemory, spawnHelper, waitFor, type MemoryFigures } from './processes.ts';
import { castOf, CONNECTIONS, FANOUT_CLIENTS, GROUPS, MEMBERS, POSTS_LARGE, POSTS_SMALL, REPLIES, seedDatabases, THREADS } from './setup.ts';
import { printTable, type Row } from './table.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const RSS_LIMIT_MB = 320;
const sizeOf = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));

const machine = (when: string) => {
  const [one, five, fifteen] = loadavg().map((x) => x.toFixed(2));
  return `${when}: ${availableParallelism()} cores, load average ${one} ${five} ${fifteen} (1/5/15 min), node ${process.version}`;
};

async function main(): Promise<void> {
  const started = Date.now();
  const log = (line: string) => console.error(line);
  console.log(machine('start'));
  log('building the SvelteKit ceiling…');
  execFileSync('pnpm', ['--filter', '@caucus/bench-sveltekit-ceiling', 'build'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });

  const external = process.env.BENCH_DATABASE_URL;
  const cluster = external ? null : await startThrowawayPostgres();
  const stops: Array<() => Promise<void> | void> = [];
  try {
    const databases = await seedDatabases(external ?? cluster!.url, log);
    // Posting limits protect a network from a flood; the benchmark measures throughput, so it lifts them.
    const serve = async (database: string) => startServer({ DATABASE_URL: database, RATE_LIMIT_POSTS_PER_MINUTE: '1000000', PORT: String(await freePort()) }, { quiet: true });
    const helper = async (file: string, env: Record<string, string>, probe: string) => {
      const port = String(await freePort());
      stops.push(spawnHelper(file, { ...env, PORT: port }));
      const url = `http://127.0.0.1:${port}`;
      await waitFor(`${url}${probe}`);
      return url;
    };

    const small = await serve(databases.small);
    const large = await serve(databases.large);
    const second = await serve(databases.large);
    const watched: Array<[string, RunningServer, ReturnType<typeof sampleMemory>]> = [['50k', small, sampleMemory(small.process.pid!)], ['500k', large, sampleMemory(large.process.pid!)]];
    let memory: Array<{ server: string } & MemoryFigures> | null = null;
    const stopSampling = () => (memory ??= watched.map(([server, , sampler]) => ({ server, ...sampler.stop() })));
    stops.push(() => small.stop(), () => large.stop(), () => second.stop(), () => void stopSampling());

    const castSmall = await castOf(databases.small);
    const castLarge = await castOf(databases.large);
    const forumCast = await forumCastOf(databases.large, castLarge);
    const ceilingSmall = await helper('tests/bench/ceiling-server.ts', { DATABASE_URL: databases.small }, '/ceiling/feed?member=' + castSmall.reader.id);
    const ceilingLarge = await helper('tests/bench/ceiling-server.ts', { DATABASE_URL: databases.large }, '/ceiling/feed?member=' + castLarge.reader.id);
    const sveltekitCeiling = await helper('tests/bench/sveltekit-ceiling/build/index.js', { DATABASE_URL: databases.large, HOST: '127.0.0.1' }, '/');
    const bare = await helper('tests/bench/bare-broadcast.ts', {}, '/socket.io/?EIO=4&transport=polling');
    const adapterPair: [string, string] = [
      await helper('tests/bench/bare-broadcast.ts', { ADAPTER_DATABASE_URL: databases.large }, '/socket.io/?EIO=4&transport=polling'),
      await helper('tests/bench/bare-broadcast.ts', { ADAPTER_DATABASE_URL: databases.large }, '/socket.io/?EIO=4&transport=polling'),
    ];

    const runs: Row[][] = [];
    for (let run = 1; run <= RUNS; run++) {
      log(`run ${run}/${RUNS}: ${machine('now')}`);
      const rows: Row[] = [];
      const reads = { connections: CONNECTIONS };
      rows.push(...await feedRows({ ...reads, caucus: small.url, ceiling: ceilingSmall }, castSmall, sizeOf(POSTS_SMALL)));
      rows.push(...await feedRows({ ...reads, caucus: large.url, ceiling: ceilingLarge }, castLarge, sizeOf(POSTS_LARGE)));
      rows.push(...await wallRows({ ...reads, caucus: large.url, ceiling: ceilingLarge }, castLarge, sizeOf(POSTS_LARGE)));
      const pages = await pageRows({ ...reads, caucus: large.url, sveltekitCeiling }, castLarge);
      rows.push(...pages.rows);
      rows.push(...await writeRows({ caucus: large.url, ceiling: ceilingLarge }, castLarge));
      rows.push(...await forumRows({ ...reads, caucus: large.url, ceiling: ceilingLarge }, castLarge, forumCast));
      rows.push(...await liveRows({ caucus: large.url, caucusSecond: second.url, bare, adapterPair }, castLarge));
      rows.push(pages.weight);
      runs.push(rows);
      console.log(`\n${printTable(`run ${run}/${RUNS}`, rows)}`);
    }

    const peaks = stopSampling();
    const worst = Math.max(...peaks.map((m) => Math.max(m.serverPeakMb, m.serverHwmMb)));
    const rssRow: Row = {
      work: 'server RSS peak, whole benchmark, default flags', requestsPerSecond: null, p50Ms: null, p99Ms: null, ceiling: '—', ratio: null,
      target: `≤ ${RSS_LIMIT_MB} MB`, met: worst <= RSS_LIMIT_MB,
      note: peaks.map((m) => `${m.server} server: sampled peak ${m.serverPeakMb} MB, VmHWM ${m.serverHwmMb} MB (${m.samples} samples, ${m.serverThreads} threads inside); `
        + `${m.childProcesses} child processes (media workers) apart, peak ${m.childrenPeakMb} MB`).join('; '),
    };
    console.log(`\n${printTable('whole benchmark', [rssRow])}`);
    const seconds = Math.round((Date.now() - started) / 1000);
    console.log(machine('end'));
    console.log(`wall clock: ${Math.floor(seconds / 60)} min ${seconds % 60} s`);

    const results = {
      machine: { cores: availableParallelism(), node: process.version, loadAverageAtEnd: loadavg() },
      setup: { members: MEMBERS, groups: GROUPS, posts: [POSTS_SMALL, POSTS_LARGE], threads: THREADS, replies: REPLIES, connections: CONNECTIONS, fanOutClients: FANOUT_CLIENTS, durationSeconds: DURATION_S, runs: RUNS, reader: castLarge.reader.groups + ' groups, ' + castLarge.reader.follows + ' followees' },
      runs,
      memory: { row: rssRow, servers: peaks },
      wallClockSeconds: seconds,
    };
    mkdirSync(path.join(repoRoot, 'tests/bench/results'), { recursive: true });
    writeFileSync(path.join(repoRoot, 'tests/bench/results/bench.json'), JSON.stringify(results, null, 2));
  } finally {
    for (const stop of stops.reverse()) await stop();
    cluster?.stop();
  }
}

await main();
