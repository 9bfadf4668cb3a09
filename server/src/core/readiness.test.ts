import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../app.ts';
import { createTestApp, ORIGIN, type TestApp } from '../testing/test-app.ts';
import { loadConfig } from './config.ts';
import { openDatabase, type DbHandle } from './db.ts';
import { freeBytes } from './readiness.ts';

describe('readiness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('is ready with the database migrated, room on the disk, and (on PostgreSQL) live events crossing processes', async () => {
    // The live adapter LISTENs a moment after the app is built.
    const deadline = Date.now() + 10_000;
    let response = await t.app.inject({ url: '/readyz' });
    while (response.statusCode !== 200 && Date.now() < deadline) {
      expect(response.json()).toEqual({ status: 'live updates reconnecting' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      response = await t.app.inject({ url: '/readyz' });
    }
    expect(response.json()).toEqual({ status: 'ready', database: t.db.engine });
  });

  it('measures the free space of DATA_DIR, or of its nearest existing parent before it is created', async () => {
    expect(await freeBytes(path.join(tmpdir(), 'not-yet', 'created'))).toBeGreaterThan(0);
  });
});

// Issue 9, item 8: with PostgreSQL away, a probe says so within its bound and a request is a 503
// with a message, not a 500. A real pool pointed at a port where nothing listens.
describe('with the database unreachable', () => {
  let app: App;
  let db: DbHandle;
  beforeAll(async () => {
    db = await openDatabase({ databaseUrl: 'postgres://caucus@127.0.0.1:1/caucus' });
    app = await buildApp({ config: loadConfig({ PUBLIC_URL: ORIGIN }), db, web: 'none', logger: false });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('/readyz answers 503 "database unavailable" at once', async () => {
    const started = Date.now();
    const response = await app.inject({ url: '/readyz' });
    // Refused at once; the probe's own bound (2 s) plus room for a loaded CI machine.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ status: 'database unavailable' });
  });

  it('an API request is a 503 saying to try again in a moment, with Retry-After', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/page-context', headers: { cookie: 'caucus_session=anything' } });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: 'database_unavailable', message: 'The database is unavailable; try again in a moment.' });
    expect(response.headers['retry-after']).toBe('5');
  });
});
