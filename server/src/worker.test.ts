import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { withDatabase } from './testing/global-setup.ts';
import { createMember, createTestApp, type TestApp } from './testing/test-app.ts';
import { insertPost, notify } from './features/notifications/test-helpers.ts';
import { loadConfig } from './core/config.ts';
import { declareHousekeeping } from './server.ts';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** `caucus <args>` in a child process, its output kept. */
function caucus(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  let output = '';
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

const exitOf = async (child: ChildProcess, ms: number): Promise<number | null> => {
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
};

describe('housekeeping', () => {
  it('runs hourly as a job schedule: expired sessions go, live ones stay', async () => {
    const t = await createTestApp();
    try {
      const member = await createMember(t);
      await t.db.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('member_id', '=', member.id).execute();
      const live = await createMember(t);
      declareHousekeeping(t.app);
      await t.app.jobs.startWorkers();

      const schedules = await t.db.pool.query<{ name: string; cron: string }>('SELECT name, cron FROM pgboss.schedule');
      expect(schedules.rows).toContainEqual({ name: 'housekeeping', cron: '17 * * * *' });

      // What the schedule queues every hour, queued now.
      await t.app.jobs.send('housekeeping', {});
      const sessionsOf = async (id: string) => (await t.db.db.selectFrom('sessions').select('id').where('member_id', '=', id).execute()).length;
      const deadline = Date.now() + 60_000;
      while ((await sessionsOf(member.id)) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await sessionsOf(member.id)).toBe(0);
      expect(await sessionsOf(live.id)).toBe(1);
    } finally {
      await t.close();
    }
  }, 120_000);
});

describe('JOBS_IN_PROCESS', () => {
  it('is on unless set to false, and a typo is an error at start', () => {
    expect(loadConfig({}).jobsInProcess).toBe(true);
    expect(loadConfig({ JOBS_IN_PROCESS: 'false' }).jobsInProcess).toBe(false);
    expect(loadConfig({ JOBS_IN_PROCESS: '0' }).jobsInProcess).toBe(false);
    expect(loadConfig({ JOBS_IN_PROCESS: 'TRUE' }).jobsInProcess).toBe(true);
    expect(() => loadConfig({ JOBS_IN_PROCESS: 'nope' })).toThrow('JOBS_IN_PROCESS must be true or false, got "nope"');
  });
});

describe('caucus worker', () => {
  it('refuses to start on the embedded database, and says why', async () => {
    const { child, output } = caucus(['worker'], { DATA_DIR: '/nonexistent-caucus-data' });
    expect(await exitOf(child, 100_000)).toBe(1);
    expect(output()).toMatch(/caucus worker needs DATABASE_URL/);
  }, 120_000); // a cold start of the whole app: slow on a busy machine

  describe.skipIf(!process.env.TEST_DATABASE_URL)('on PostgreSQL', () => {
    let t: TestApp;
    let worker: ReturnType<typeof caucus> | undefined;
    afterAll(async () => {
      worker?.child.kill('SIGKILL');
      await t?.close();
    });

    it('runs the jobs queued by another process (the notification e-mail), and stops cleanly on SIGTERM', async () => {
      t = await createTestApp();
      const database = (await t.db.pool.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name;
      const me = await createMember(t);
      const actor = await createMember(t);
      worker = caucus(['worker'], { DATABASE_URL: withDatabase(process.env.TEST_DATABASE_URL!, database), PUBLIC_URL: t.config.publicUrl.origin });

      // This app (a `serve` with JOBS_IN_PROCESS=false) only queues.
      const postId = await insertPost(t, me.id, 'Post');
      const [stored] = await notify(t, [{ recipientId: me.id, kind: 'mention', actorId: actor.id, postId }]);
      expect(stored!.email).toBe(true);
      expect(t.app.jobs.workersStarted).toBe(false);

      const deadline = Date.now() + 90_000;
      let mails: Array<{ subject: string }> = [];
      while (mails.length === 0 && Date.now() < deadline) {
        mails = await t.db.db.selectFrom('outbox').select('subject').where('to_address', '=', me.email).execute();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(mails, worker.output()).toHaveLength(1);
      expect(worker.output()).toMatch(/Caucus worker is up/);

      const stopping = Date.now();
      worker.child.kill('SIGTERM');
      expect(await exitOf(worker.child, 15_000)).toBe(0);
      expect(Date.now() - stopping).toBeLessThan(10_000);
      expect(worker.output()).toMatch(/shutting down/);
    }, 120_000);
  });
});
