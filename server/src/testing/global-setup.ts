import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { Database } from '../core/database.ts';
import { openDatabase } from '../core/db.ts';
import { migrateToLatest } from '../core/migrate.ts';

/** One template per run, so that two runs on one server (CI, people working side by side) never collide. */
const TEMPLATE_DB = `caucus_test_template_${process.pid}`;

declare module 'vitest' {
  interface ProvidedContext {
    /** A dump of a migrated PGlite database, when the tests run on PGlite. */
    pgliteTemplate: string | null;
    /** The migrated template database, when the tests run on PostgreSQL. */
    pgTemplate: string | null;
  }
}

/**
 * With TEST_DATABASE_URL (CI: a real PostgreSQL), migrates a template database once; each test
 * file then gets its own copy (CREATE DATABASE … TEMPLATE), as Immich does. Without it, migrates
 * one PGlite database and dumps it: each file loads the dump instead of running initdb again.
 */
export default async function setup(project: TestProject): Promise<void | (() => Promise<void>)> {
  const url = process.env.TEST_DATABASE_URL;
  project.provide('pgliteTemplate', null);
  project.provide('pgTemplate', url ? TEMPLATE_DB : null);
  if (!url) {
    const file = await dumpMigratedPglite();
    project.provide('pgliteTemplate', file);
    return () => rm(file, { force: true });
  }
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const handle = await openDatabase({ databaseUrl: withDatabase(url, TEMPLATE_DB), poolMax: 1 });
  await migrateToLatest(handle.db);
  await handle.close();
  return async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await dropDatabase(client, TEMPLATE_DB).finally(() => client.end());
  };
}

async function dumpMigratedPglite(): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { createPgConfig } = await import('@electric-sql/pglite/node-postgres');
  const pglite = await PGlite.create('memory://', { extensions: { pg_trgm } });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool(createPgConfig(pglite) as pg.PoolConfig) }) });
  await migrateToLatest(db);
  const file = path.join(tmpdir(), `caucus-test-template-${process.pid}.tar`);
  await writeFile(file, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
  await db.destroy();
  await pglite.close();
  return file;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * DROP DATABASE … WITH (FORCE), again while it meets an autovacuum worker: that worker runs as
 * another role, which a non-superuser may not end, and it finishes in a moment.
 */
export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
