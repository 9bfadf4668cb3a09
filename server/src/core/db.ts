import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import fp from 'fastify-plugin';
import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './database.ts';

export type Db = Kysely<Database>;
export type DbOrTx = Kysely<Database> | Transaction<Database>;

export interface DbHandle {
  db: Db;
  pool: pg.Pool;
  engine: 'postgres' | 'pglite';
  close(): Promise<void>;
}

// timestamptz and bigint come back as Date and string; count(*) as number is safe at our scale.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Opens the store of record: a PostgreSQL server when a URL is given, else the embedded PGlite
 * engine in `dataDir` (or in memory for `memory://`), both behind the same `pg` Pool.
 */
export async function openDatabase(options: { databaseUrl?: string; pgliteDir?: string; pgliteDump?: Blob; poolMax?: number }): Promise<DbHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax ?? 20 });
    // An idle connection dropped by the server (restart, failover) must not bring the process down;
    // the pool replaces it, and /readyz reports while the database is away.
    pool.on('error', (error) => console.error(`database connection lost: ${error.message}`));
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
  if (!dir.startsWith('memory://')) await mkdir(path.dirname(dir), { recursive: true });
  // A dump (tests: a migrated template) skips initdb, which costs seconds.
  const pglite = await PGlite.create(dir, { extensions: { pg_trgm }, ...(options.pgliteDump ? { loadDataDir: options.pgliteDump } : {}) });
  const pool = new pg.Pool(createPgConfig(pglite) as pg.PoolConfig);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    engine: 'pglite',
    close: async () => {
      await db.destroy();
      await pglite.close();
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
