// What durability costs on the embedded engine: commits per second and posts per second on PGlite
// as it ships (fsync off, fsync calls dropped) and as Caucus opens it (each commit fsynced,
// server/src/core/durable-node-fs.ts), one after the other, on this machine's disk.
//   node tests/bench/embedded-fsync.ts        (BENCH_COMMITS, BENCH_POSTS to change the counts)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/core/config.ts';
import type { Database } from '../../server/src/core/database.ts';
import { openDatabase, type DbHandle } from '../../server/src/core/db.ts';
import { migrateToLatest } from '../../server/src/core/migrate.ts';
import { repoRoot } from '../support/server.ts';

const COMMITS = Number(process.env.BENCH_COMMITS ?? 300);
const POSTS = Number(process.env.BENCH_POSTS ?? 200);
const ORIGIN = 'http://127.0.0.1:3000';

/** PGlite as it ships, opened the way Caucus opened it before: the baseline. */
async function openAsShipped(dir: string): Promise<DbHandle> {
  const fromServer = createRequire(path.join(repoRoot, 'server/package.json'));
  // The tests package does not depend on PGlite: load the server's copy.
  const load = async <T>(name: string): Promise<T> => (await import(pathToFileURL(fromServer.resolve(name)).href)) as T;
  const { PGlite } = await load<{ PGlite: { create(dir: string, options: object): Promise<{ close(): Promise<void> }> } }>('@electric-sql/pglite');
  const { pg_trgm } = await load<{ pg_trgm: object }>('@electric-sql/pglite/contrib/pg_trgm');
  const { createPgConfig } = await load<{ createPgConfig(pglite: unknown): object }>('@electric-sql/pglite/node-postgres');
  const pglite = await PGlite.create(dir, { extensions: { pg_trgm } });
  const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, engine: 'pglite', close: async () => { await db.destroy(); await pglite.close(); } };
}

async function measure(label: string, open: (dir: string) => Promise<DbHandle>): Promise<{ commitsPerSecond: number; postsPerSecond: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'caucus-bench-fsync-'));
  try {
    const handle = await open(path.join(dataDir, 'db'));
    await migrateToLatest(handle.db);

    await sql`CREATE TABLE bench_commit (id serial PRIMARY KEY, body text)`.execute(handle.db);
    let started = performance.now();
    for (let i = 0; i < COMMITS; i++) await sql`INSERT INTO bench_commit (body) VALUES (${`commit ${i}`})`.execute(handle.db);
    const commitsPerSecond = COMMITS / ((performance.now() - started) / 1000);

    const app = await buildApp({ config: loadConfig({ PUBLIC_URL: ORIGIN, DATA_DIR: dataDir, RATE_LIMIT_POSTS_PER_MINUTE: '100000' }), db: handle, web: 'none', logger: false });
    const setup = await app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      headers: { origin: ORIGIN },
      payload: { networkName: 'Banc', tagline: '', email: 'owner@example.org', password: 'Tulipe-Rouge-2027!', displayName: 'Odile', handle: 'odile', acceptPrivacyPolicy: true },
    });
    const cookie = String(setup.headers['set-cookie']).split(';')[0]!;
    started = performance.now();
    for (let i = 0; i < POSTS; i++) {
      const response = await app.inject({ method: 'POST', url: '/api/v1/walls/network/posts', headers: { origin: ORIGIN, cookie }, payload: { body: `Tract n°${i}` } });
      if (response.statusCode !== 201) throw new Error(`post ${i}: ${response.statusCode} ${response.body}`);
    }
    const postsPerSecond = POSTS / ((performance.now() - started) / 1000);
    await app.close();
    await handle.close();
    console.log(`${label.padEnd(44)} ${commitsPerSecond.toFixed(0).padStart(6)} commits/s  ${(1000 / commitsPerSecond).toFixed(2).padStart(6)} ms/commit   ${postsPerSecond.toFixed(0).padStart(5)} posts/s  ${(1000 / postsPerSecond).toFixed(2).padStart(6)} ms/post`);
    return { commitsPerSecond, postsPerSecond };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(`Embedded engine, ${COMMITS} single-row commits then ${POSTS} posts (POST /walls/network/posts, one at a time), in ${tmpdir()}:`);
const before = await measure('as shipped (fsync off, fsync dropped)', openAsShipped);
const after = await measure('as Caucus opens it (fsync on every commit)', (dir) => openDatabase({ pgliteDir: dir, pgliteOwner: 'bench' }));
console.log(`Durability costs ${(1000 / after.commitsPerSecond - 1000 / before.commitsPerSecond).toFixed(2)} ms per commit and ${(1000 / after.postsPerSecond - 1000 / before.postsPerSecond).toFixed(2)} ms per post here.`);
