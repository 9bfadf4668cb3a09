import { sql } from 'kysely';
import type { TestApp } from '../../testing/test-app.ts';
import { ACCOUNT_MAIL_JOBS } from './mail-jobs.ts';

/**
 * Account mails go out by jobs: this runs the workers (as `caucus serve` does) if they are not
 * running yet, and waits until no account mail is queued or being sent.
 */
export async function accountMailsSent(t: TestApp, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<void> {
  const { timeoutMs = 15_000, pollMs = 20 } = options;
  if (!t.app.jobs.workersStarted) await t.app.jobs.startWorkers();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql<{ pending: number }>`
      SELECT count(*)::int AS pending FROM pgboss.job
      WHERE name = ANY(${[...ACCOUNT_MAIL_JOBS]}::text[]) AND state IN ('created', 'retry', 'active')`.execute(t.db.db);
    if (rows[0]!.pending === 0) break;
    if (Date.now() > deadline) throw new Error(`${rows[0]!.pending} account mail job(s) still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  await t.app.mailer.idle();
}
