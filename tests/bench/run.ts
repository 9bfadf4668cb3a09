// `pnpm bench`: the built server on a real PostgreSQL seeded with 10,000 members, measured with
// autocannon over loopback against a bare ceiling route doing the same query, in the same run.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort, startThrowawayPostgres } from '../support/postgres.ts';
import { caucus, repoRoot, startServer } from '../support/server.ts';
import { DURATION_S, measure as measureRoute } from './lib.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 10_000);
const measure = (url: string, headers: Record<string, string> = {}) => measureRoute(url, { connections: CONNECTIONS, headers });

async function main(): Promise<void> {
  const external = process.env.BENCH_DATABASE_URL;
  const cluster = external ? null : await startThrowawayPostgres();
  const adminUrl = external ?? cluster!.url;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS caucus_bench WITH (FORCE)');
  await admin.query('CREATE DATABASE caucus_bench');
  await admin.end();
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = '/caucus_bench';
  const env = { DATABASE_URL: dbUrl.toString() };
  const stops: Array<() => Promise<void> | void> = [];
  try {
    await caucus(['migrate'], env);
    await caucus(['seed', '--demo'], env);
    const seeded = await caucus(['seed', '--scale', String(MEMBERS)], env);
    console.error(seeded);

    const port = String(await freePort());
    const server = await startServer({ ...env, PORT: port }, { quiet: true });
    stops.push(() => server.stop());

    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url },
      body: JSON.stringify({ email: 'lucas_m@demo.caucus.test', password: 'Demo-Caucus-2027!' }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    if (login.status !== 200 || !cookie) throw new Error(`bench login failed: ${login.status}`);

    // A members-only profile from the middle of the scale data.
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ handle: string }>(`SELECT handle FROM members WHERE profile_visibility = 'members' AND handle LIKE 'm%' ORDER BY id OFFSET $1 LIMIT 1`, [Math.floor(MEMBERS / 2)]);
    await client.end();
    const handle = rows[0]!.handle;

    const pageBytes = (await (await fetch(`${server.url}/members/${handle}`, { headers: { cookie } })).text()).length;
    const ceilingPort = String(await freePort());
    const ceiling = spawn(process.execPath, [path.join(repoRoot, 'tests/bench/ceiling-server.ts')], {
      env: { ...process.env, ...env, PORT: ceilingPort, PAGE_PADDING: String(Math.max(0, Math.round((pageBytes - 400) / 28))) },
      stdio: 'inherit',
    });
    stops.push(() => void ceiling.kill('SIGTERM'));
    const ceilingUrl = `http://127.0.0.1:${ceilingPort}`;
    for (let i = 0; i < 200; i++) {
      if (await fetch(`${ceilingUrl}/ceiling/profile/${handle}`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }

    const ceilingApi = await measure(`${ceilingUrl}/ceiling/profile/${handle}`);
    const profileApi = await measure(`${server.url}/api/v1/profiles/${handle}`, { cookie });
    const ceilingPage = await measure(`${ceilingUrl}/ceiling/page/${handle}`);
    const profilePage = await measure(`${server.url}/members/${handle}`, { cookie });

    await server.stop();
    const restarts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const again = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });
      restarts.push(again.startupMs);
      await again.stop();
    }

    const figures = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      setup: { members: MEMBERS, connections: CONNECTIONS, durationSeconds: DURATION_S, database: 'postgresql (throwaway cluster on loopback)' },
      profileApi: { ...profileApi, ceiling: ceilingApi, ratio: +(profileApi.requestsPerSecond / ceilingApi.requestsPerSecond).toFixed(2), target: '>= 0.60' },
      profilePage: { ...profilePage, bytes: pageBytes, ceiling: ceilingPage, ratio: +(profilePage.requestsPerSecond / ceilingPage.requestsPerSecond).toFixed(2) },
      startupToReadyMs: { runs: restarts, best: Math.min(...restarts), target: '< 3000' },
    };
    const json = JSON.stringify(figures, null, 2);
    console.log(json);
    mkdirSync(path.join(repoRoot, 'tests/bench/results'), { recursive: true });
    writeFileSync(path.join(repoRoot, 'tests/bench/results/foundation.json'), json);
  } finally {
    for (const stop of stops.reverse()) await stop();
    cluster?.stop();
  }
}

await main();
