import pg from 'pg';
import { openDatabase } from '../core/db.ts';
import { migrateToLatest } from '../core/migrate.ts';

export const TEMPLATE_DB = 'caucus_test_template';

/**
 * With TEST_DATABASE_URL (CI: a real PostgreSQL), migrates a template database once; each test
 * file then gets its own copy (CREATE DATABASE … TEMPLATE), as Immich does.
 */
export default async function setup(): Promise<void> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
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
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
