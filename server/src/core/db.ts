import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import fp from 'fastify-plugin';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import { acquireDataLock } from './data-lock.ts';
import type { Database } from './database.ts';

export type Db = Kysely<Database>;
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  engine: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/**
 * Starts a statement of fixed shape (the hot reads: same text whatever the viewer, the values as
 * parameters) that PostgreSQL should plan once per connection: the pool sends it as a named
 * statement, named by a digest of its text. Planning costs up to a third of a many-branched read.
 * Only marked statements: a name per distinct text, and Kysely's `IN (…)` lists would make those
 * unbounded.
 */
export const PREPARED = '/* prepared */';

function prepareMarkedStatements(pool: pg.Pool): void {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (!name) names.set(text, (name = `caucus_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`));
    return name;
  };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((first: unknown, ...rest: unknown[]) =>
      typeof first === 'string' && first.startsWith(PREPARED) && Array.isArray(rest[0])
        ? query({ name: nameOf(first), text: first, values: rest[0] }, ...rest.slice(1))
        : query(first, ...rest)) as pg.PoolClient['query'];
  });
}

// timestamptz and bigint come back as Date and string; count(*) as number is safe at our scale.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * For every pool on a PostgreSQL server: a server that cannot be reached fails a request after a
 * few seconds instead of holding it, and a half-open connection (the host gone) is noticed.
 */
export const RESILIENT_CONNECTIONS = { connectionTimeoutMillis: 5_000, keepAlive: true } satisfies pg.PoolConfig;

/**
 * The pool listens for errors only on its idle connections: one lost while checked out (a
 * transaction between two statements, a LISTEN) emits an 'error' nobody hears, which ends the
 * process. Its query already fails with that error, and the pool drops it on release.
 */
export function survivePoolConnectionLoss(pool: pg.Pool): void {
  pool.on('connect', (client) => client.on('error', () => undefined));
}

/**
 * Opens the store of record: a PostgreSQL server when a URL is given, else the embedded PGlite
 * engine in `dataDir` (or in memory for `memory://`), both behind the same `pg` Pool.
 */
export async function openDatabase(options: { databaseUrl?: string; pgliteDir?: string; pgliteDump?: Blob; poolMax?: number; /** Names the opener in the folder's lock, for the next one (`serve`, `migrate`…). */ pgliteOwner?: string }): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax ?? 20, ...RESILIENT_CONNECTIONS });
    // An idle connection dropped by the server (restart, failover) must not bring the process down;
    // the pool replaces it, and /readyz reports while the database is away.
    pool.on('error', (error) => console.error(`database connection lost: ${error.message}`));
    survivePoolConnectionLoss(pool);
    prepareMarkedStatements(pool);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    // Kysely ends the pool only if it ran a query itself; the job queue and the session lookup use the pool directly.
    const close = async () => {
      await db.destroy();
      if (!pool.ended) await pool.end();
    };
    return { db, pool, engine: 'postgres', close };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const dir = options.pgliteDir ?? 'memory://';
  const onDisk = !dir.startsWith('memory://');
  if (onDisk) await mkdir(path.dirname(dir), { recursive: true });
  // The folder belongs to one process: taken before PGlite reads a byte of it, released on close.
  const lock = onDisk ? await acquireDataLock(dir, options.pgliteOwner ?? 'caucus') : null;
  let pglite: InstanceType<typeof PGlite>;
  try {
    const durable = onDisk ? await import('./durable-node-fs.ts') : null;
    const fresh = onDisk && !existsSync(path.join(dir, 'PG_VERSION'));
    pglite = await PGlite.create({
      dataDir: dir,
      extensions: { pg_trgm },
      // On disk, every commit reaches the disk before it is acknowledged (durable-node-fs.ts).
      ...(durable ? { fs: new durable.DurableNodeFS(dir), startParams: durable.durableStartParams } : {}),
      // A dump (tests: a migrated template) skips initdb, which costs seconds.
      ...(options.pgliteDump ? { loadDataDir: options.pgliteDump } : {}),
    });
    if (durable && fresh) durable.syncTree(dir);
  } catch (error) {
    lock?.release();
    throw error;
  }
  const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig);
  prepareMarkedStatements(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    engine: 'pglite',
    close: async () => {
      try {
        await db.destroy();
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    dbHandle: DbHandle;
  }
}

export const dbPlugin = fp<{ handle: DbHandle }>(async (app, { handle }) => {
  app.decorate('db', handle.db);
  app.decorate('dbHandle', handle);
}, { name: 'db' });
