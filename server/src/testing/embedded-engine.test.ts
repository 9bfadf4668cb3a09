import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../core/config.ts';
import { openDatabase } from '../core/db.ts';
import { migrateToLatest, pendingMigrations } from '../core/migrate.ts';
import { ORIGIN, STRONG_PASSWORD } from './test-app.ts';

// The embedded default, whatever TEST_DATABASE_URL says: PGlite on disk, behind the pg Pool.
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function openApp(dataDir: string) {
  const db = await openDatabase({ pgliteDir: path.join(dataDir, 'db') });
  await migrateToLatest(db.db);
  const app = await buildApp({ config: loadConfig({ PUBLIC_URL: ORIGIN, DATA_DIR: dataDir }), db, web: 'none', logger: false });
  return { db, app, close: async () => { await app.close(); await db.close(); } };
}

describe('embedded engine (PGlite on disk)', () => {
  it('migrates, serves the first-run setup, and keeps the data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'caucus-embedded-'));
    dirs.push(dataDir);

    const first = await openApp(dataDir);
    expect(first.db.engine).toBe('pglite');
    expect(await pendingMigrations(first.db.db)).toEqual([]);
    expect((await first.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', database: 'pglite' });
    const setup = await first.app.inject({
      method: 'POST',
      url: '/api/v1/setup',
      headers: { origin: ORIGIN },
      payload: { networkName: 'Réseau Embarqué', tagline: 'Sur disque', email: 'owner@example.org', password: STRONG_PASSWORD, displayName: 'Odile', handle: 'odile', acceptPrivacyPolicy: true },
    });
    expect(setup.statusCode).toBe(201);
    await first.close();

    const second = await openApp(dataDir);
    const network = (await second.app.inject({ url: '/api/v1/network' })).json();
    expect(network).toMatchObject({ name: 'Réseau Embarqué', setupRequired: false });
    const login = await second.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { origin: ORIGIN }, payload: { email: 'owner@example.org', password: STRONG_PASSWORD } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ handle: 'odile', role: 'owner' });
    await second.close();
  });
});
