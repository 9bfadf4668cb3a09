// `pnpm bench` (second part): groups, walls and the live feed on `seed --scale` data — 10,000
// members, 300 groups, then 50,000 and 500,000 posts — against the foundation's ceiling route,
// a bare page of the same size, a bare INSERT and a bare socket.io broadcast, in the same run.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { freePort, startThrowawayPostgres } from '../support/postgres.ts';
import { caucus, repoRoot, startServer } from '../support/server.ts';
import { DURATION_S, measure, percentile, sessionsFor, type Figure } from './lib.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const GROUPS = Number(process.env.BENCH_GROUPS ?? 300);
const POSTS_SMALL = Number(process.env.BENCH_POSTS_SMALL ?? 50_000);
const POSTS_LARGE = Number(process.env.BENCH_POSTS ?? 500_000);
const FANOUT_CLIENTS = Number(process.env.BENCH_FANOUT_CLIENTS ?? 1000);
const FANOUT_POSTS = 20;

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await fetch(url).then((r) => r.status < 500, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

function spawnHelper(file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [path.join(repoRoot, 'tests/bench', file)], { env: { ...process.env, ...env }, stdio: 'inherit' });
  return () => void child.kill('SIGTERM');
}

/** Connects `cookies.length` socket.io clients and resolves when all are connected. */
async function connectClients(url: string, cookies: Array<string | null>, onPost: (text: string) => void): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < cookies.length; i += 100) {
    const batch = cookies.slice(i, i + 100).map((cookie) => new Promise<Socket>((resolve, reject) => {
      const socket = connect(url, { transports: ['websocket'], forceNew: true, extraHeaders: cookie ? { cookie, origin: url } : { origin: url } });
      socket.on('post.created', (payload: { post: { bodyHtml: string } }) => onPost(payload.post.bodyHtml));
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    }));
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

/** Time from the POST that makes an event to its arrival at every client: p50/p99 over all arrivals. */
async function fanOut(clientsUrl: string, cookies: Array<string | null>, post: (n: number) => Promise<void>): Promise<{ clients: number; posts: number; arrivals: number; p50Ms: number; p99Ms: number; maxMs: number }> {
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const sockets = await connectClients(clientsUrl, cookies, (text) => {
    const n = Number(/fanout-(\d+)-/.exec(text)?.[1]);
    const t0 = sentAt.get(n);
    if (t0 !== undefined) latencies.push(performance.now() - t0);
  });
  await new Promise((r) => setTimeout(r, 1500)); // rooms joined on connection
  for (let n = 0; n < FANOUT_POSTS; n++) {
    sentAt.set(n, performance.now());
    await post(n);
    await new Promise((r) => setTimeout(r, 300));
  }
  await new Promise((r) => setTimeout(r, 2000));
  for (const socket of sockets) socket.disconnect();
  latencies.sort((a, b) => a - b);
  const round = (x: number) => +x.toFixed(1);
  return { clients: sockets.length, posts: FANOUT_POSTS, arrivals: latencies.length, p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), maxMs: round(latencies.at(-1) ?? NaN) };
}

async function main(): Promise<void> {
  const external = process.env.BENCH_DATABASE_URL;
  const cluster = external ? null : await startThrowawayPostgres();
  const adminUrl = external ?? cluster!.url;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS caucus_bench_walls WITH (FORCE)');
  await admin.query('CREATE DATABASE caucus_bench_walls');
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = '/caucus_bench_walls';
  // Posting limits protect a network from a flood; the benchmark measures throughput, so it lifts them.
  const env = { DATABASE_URL: dbUrl.toString(), RATE_LIMIT_POSTS_PER_MINUTE: '1000000' };
  const stops: Array<() => Promise<void> | void> = [];
  try {
    await caucus(['migrate'], env);
    await caucus(['seed', '--demo'], env);
    console.error(await caucus(['seed', '--scale', String(MEMBERS), '--groups', String(GROUPS), '--posts', String(POSTS_SMALL)], env));

    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    const reader = (await db.query<{ id: string }>(`SELECT id FROM members WHERE email LIKE 'm0.%'`)).rows[0]!;
    const readerShape = (await db.query<{ groups: number; follows: number }>(
      `SELECT (SELECT count(*)::int FROM group_members WHERE member_id = $1 AND state = 'active') AS groups, (SELECT count(*)::int FROM follows WHERE follower_id = $1) AS follows`, [reader.id])).rows[0]!;
    const bigGroup = (await db.query<{ id: string; slug: string }>(`SELECT id, slug FROM groups ORDER BY member_count DESC LIMIT 1`)).rows[0]!;
    const groupMembers = (await db.query<{ member_id: string }>(
      `SELECT gm.member_id FROM group_members gm JOIN members m ON m.id = gm.member_id WHERE gm.group_id = $1 AND gm.state = 'active' AND m.email LIKE '%@scale.caucus.test' ORDER BY m.email LIMIT $2`,
      [bigGroup.id, CONNECTIONS + FANOUT_CLIENTS + 1])).rows.map((r) => r.member_id);
    const profileHandle = (await db.query<{ handle: string }>(`SELECT handle FROM members WHERE email LIKE 'm5000.%'`)).rows[0]!.handle;
    const [readerCookie] = await sessionsFor(env.DATABASE_URL, [reader.id]);
    const posterCookies = await sessionsFor(env.DATABASE_URL, groupMembers.slice(0, CONNECTIONS));
    const listenerCookies = await sessionsFor(env.DATABASE_URL, groupMembers.slice(CONNECTIONS, CONNECTIONS + FANOUT_CLIENTS));
    const [fanoutPosterCookie] = await sessionsFor(env.DATABASE_URL, groupMembers.slice(CONNECTIONS + FANOUT_CLIENTS));

    const server = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });
    stops.push(() => server.stop());
    const get = { connections: CONNECTIONS, headers: { cookie: readerCookie! } };

    async function deepCursor(pages: number): Promise<string> {
      let cursor = '';
      for (let i = 0; i < pages; i++) {
        const page = await (await fetch(`${server.url}/api/v1/feed${cursor ? `?cursor=${cursor}` : ''}`, { headers: { cookie: readerCookie! } })).json() as { nextCursor: string | null };
        if (!page.nextCursor) break;
        cursor = encodeURIComponent(page.nextCursor);
      }
      return cursor;
    }

    const pageBytes = (await (await fetch(`${server.url}/groups/${bigGroup.slug}`, { headers: { cookie: readerCookie! } })).text()).length;
    const ceilingPort = String(await freePort());
    stops.push(spawnHelper('ceiling-server.ts', { ...env, PORT: ceilingPort, PAGE_PADDING: String(Math.max(0, Math.round((pageBytes - 400) / 28))) }));
    const ceilingUrl = `http://127.0.0.1:${ceilingPort}`;
    await waitFor(`${ceilingUrl}/ceiling/profile/${profileHandle}`);

    const ceilingApi = await measure(`${ceilingUrl}/ceiling/profile/${profileHandle}`, { connections: CONNECTIONS });
    const feedSmall = await measure(`${server.url}/api/v1/feed`, get);
    const deepSmallCursor = await deepCursor(50);
    const feedSmallDeep = await measure(`${server.url}/api/v1/feed?cursor=${deepSmallCursor}`, get);

    console.error(await caucus(['seed', '--posts', String(POSTS_LARGE - POSTS_SMALL)], env));
    const feedLarge = await measure(`${server.url}/api/v1/feed`, get);
    const deepLargeCursor = await deepCursor(50);
    const feedLargeDeep = await measure(`${server.url}/api/v1/feed?cursor=${deepLargeCursor}`, get);
    const ceilingApiAgain = await measure(`${ceilingUrl}/ceiling/profile/${profileHandle}`, { connections: CONNECTIONS });

    const ceilingPage = await measure(`${ceilingUrl}/ceiling/page/${profileHandle}`, { connections: CONNECTIONS });
    const groupPage = await measure(`${server.url}/groups/${bigGroup.slug}`, get);

    const postBody = JSON.stringify({ body: 'Tractage samedi 10 h devant la gare, qui vient ? #mobilisation' });
    const ceilingInsert = await measure(`${ceilingUrl}/ceiling/post/${bigGroup.id}`, { connections: CONNECTIONS, method: 'POST', headers: { 'content-type': 'application/json' }, body: postBody });
    const createPost = await measure(`${server.url}/api/v1/groups/${bigGroup.slug}/posts`, {
      connections: CONNECTIONS, method: 'POST', body: postBody,
      headers: { 'content-type': 'application/json', origin: server.url },
      perConnectionHeaders: posterCookies.map((cookie) => ({ cookie })),
    });

    const liveFanOut = await fanOut(server.url, listenerCookies, async (n) => {
      const response = await fetch(`${server.url}/api/v1/groups/${bigGroup.slug}/posts`, {
        method: 'POST', headers: { 'content-type': 'application/json', origin: server.url, cookie: fanoutPosterCookie! },
        body: JSON.stringify({ body: `Réunion fanout-${n}- ce soir à 19 h.` }),
      });
      if (response.status !== 201) throw new Error(`fan-out post failed: ${response.status} ${await response.text()}`);
    });
    const barePort = String(await freePort());
    stops.push(spawnHelper('bare-broadcast.ts', { PORT: barePort }));
    const bareUrl = `http://127.0.0.1:${barePort}`;
    await waitFor(`${bareUrl}/socket.io/?EIO=4&transport=polling`);
    const bareFanOut = await fanOut(bareUrl, listenerCookies.map(() => null), async (n) => {
      await fetch(`${bareUrl}/emit/${n}`, { method: 'POST' });
    });
    await db.end();

    const ratio = (a: Figure, b: Figure) => +(a.requestsPerSecond / b.requestsPerSecond).toFixed(2);
    const figures = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      setup: { members: MEMBERS, groups: GROUPS, posts: [POSTS_SMALL, POSTS_LARGE], connections: CONNECTIONS, durationSeconds: DURATION_S, reader: readerShape, database: 'postgresql (throwaway cluster on loopback)' },
      ceilingApi: { atSmall: ceilingApi, atLarge: ceilingApiAgain },
      feed: {
        firstPageAt50k: { ...feedSmall, ratioToCeiling: ratio(feedSmall, ceilingApi) },
        deepPageAt50k: feedSmallDeep,
        firstPageAt500k: { ...feedLarge, ratioToCeiling: ratio(feedLarge, ceilingApiAgain) },
        deepPageAt500k: { ...feedLargeDeep, deepOverFirst: ratio(feedLargeDeep, feedLarge) },
        largeOverSmall: ratio(feedLarge, feedSmall),
        targets: 'first page >= 0.40 of the ceiling with p99 < 100 ms; deep page costs no more than the first; 500k within 20% of 50k',
      },
      groupWallPage: { ...groupPage, bytes: pageBytes, ceiling: ceilingPage, ratio: ratio(groupPage, ceilingPage), target: '>= 800 pages/s' },
      createPost: { ...createPost, ceiling: ceilingInsert, ratio: ratio(createPost, ceilingInsert), target: '>= 500/s with p99 < 200 ms' },
      liveFanOut: { caucus: liveFanOut, bareSocketIo: bareFanOut, p99Ratio: +(liveFanOut.p99Ms / bareFanOut.p99Ms).toFixed(2), target: 'p99 < 2x the bare broadcast' },
    };
    const json = JSON.stringify(figures, null, 2);
    console.log(json);
    mkdirSync(path.join(repoRoot, 'tests/bench/results'), { recursive: true });
    writeFileSync(path.join(repoRoot, 'tests/bench/results/walls.json'), json);
  } finally {
    for (const stop of stops.reverse()) await stop();
    cluster?.stop();
  }
}

await main();
