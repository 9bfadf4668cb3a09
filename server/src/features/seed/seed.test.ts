import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { createMember, createTestApp, login, type TestApp } from '../../testing/test-app.ts';
import { DEMO_PASSWORD, seedDemo, SeedRefused, seedScale } from './seed.ts';

const repoRoot = fileURLToPath(new URL('../../../..', import.meta.url));

/** What the CLI hands the demo seed: an app on the same database, for the walls. */
const demoApp = (t: TestApp) => () => buildApp({ config: t.config, db: t.db, web: 'none', logger: false });

async function staffAndMembers(t: TestApp) {
  const rows = await t.db.db.selectFrom('members').select(['email', 'role']).execute();
  return { count: rows.length, staff: rows.filter((r) => r.role !== 'member').map((r) => `${r.email}:${r.role}`).sort() };
}

describe('caucus seed --demo on an empty network', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('builds the demo on an empty network, and adds nothing when run again', async () => {
    expect(await seedDemo(t.db, t.config, demoApp(t))).toMatch(/^Demo network ready: 12 members added; 13 groups, .*2 forums with 6 threads, 23 forum posts and 2 debate syntheses/);
    // Debates with quotes, a pinned thread, a closed one, and no seed session left behind.
    const threads = await t.db.db.selectFrom('forum_threads').select(['post_count', 'pinned', 'closed_at']).execute();
    expect(threads.filter((thread) => thread.pinned).length).toBe(2);
    expect(threads.filter((thread) => thread.closed_at).length).toBe(1);
    expect((await t.db.db.selectFrom('forum_posts').select('id').where('quote_of', 'is not', null).execute()).length).toBe(4);
    expect(await t.db.db.selectFrom('sessions').select('id').where('user_agent', '=', 'caucus seed').execute()).toEqual([]);
    const { staff } = await staffAndMembers(t);
    expect(staff).toEqual(['camille@demo.caucus.test:owner', 'karim_b@demo.caucus.test:admin', 'sophie_l@demo.caucus.test:moderator']);
    expect(await seedDemo(t.db, t.config, demoApp(t))).toBe('This network already holds the demo members: nothing added.');
    expect((await staffAndMembers(t)).count).toBe(12);
  });
});

describe('caucus seed on a network with members of its own', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('refuses: no account with the published password, no staff role', async () => {
    const real = await createMember(t, { role: 'owner' });
    const before = await staffAndMembers(t);
    await expect(seedDemo(t.db, t.config, demoApp(t))).rejects.toThrow(SeedRefused);
    await expect(seedDemo(t.db, t.config, demoApp(t))).rejects.toThrow(/already has members of its own/);
    await expect(seedScale(t.db.db, 3)).rejects.toThrow(SeedRefused);
    expect(await staffAndMembers(t)).toEqual(before);
    await expect(login(t, 'karim_b@demo.caucus.test', DEMO_PASSWORD)).rejects.toThrow(/401/);
    expect(before.staff).toEqual([`${real.email}:owner`]);
  });
});

// The command itself, as an operator runs it: a clear message and a failing exit code.
describe.skipIf(!process.env.TEST_DATABASE_URL)('the caucus seed command', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createMember(t, { role: 'owner' });
  });
  afterAll(() => t.close());

  it('exits with an error and says why on a network with members', async () => {
    const url = (t.db.pool.options as { connectionString: string }).connectionString;
    const child = spawn(process.execPath, ['server/src/cli.ts', 'seed', '--demo'], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).not.toBe(0);
    expect(output).toMatch(/seed --demo refused: this network already has members of its own/);
    expect((await staffAndMembers(t)).count).toBe(1);
  });
});
