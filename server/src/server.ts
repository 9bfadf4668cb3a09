import path from 'node:path';
import { buildApp, type App } from './app.ts';
import type { Config } from './core/config.ts';
import { openDatabase, type DbHandle } from './core/db.ts';
import { migrateToLatest } from './core/migrate.ts';
import { purgeRateLimits } from './core/rate-limit.ts';
import { purgeExpiredSessions } from './core/session.ts';
import { purgeUsedTokens } from './features/accounts/queries.ts';

/** Opens the configured database: PostgreSQL with DATABASE_URL, else PGlite in DATA_DIR/db. */
export function openConfiguredDatabase(config: Config): Promise<DbHandle> {
  return openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { pgliteDir: path.join(config.dataDir, 'db') });
}

declare module '#core/jobs.ts' {
  interface JobPayloads {
    housekeeping: Record<string, never>;
  }
}

/** Expired sessions, used tokens, old rate-limit counters: hourly, by whichever process runs the workers. */
export function declareHousekeeping(app: App): void {
  app.jobs.work('housekeeping', async () => {
    await Promise.all([purgeExpiredSessions(app.db), purgeUsedTokens(app.db), purgeRateLimits(app.db)]);
  });
  app.jobs.schedule('housekeeping', '17 * * * *', {});
}

/** Ends the process cleanly on SIGINT/SIGTERM: running jobs finish, the database closes; forced after 10 s. */
function closeOnSignal(app: App, db: DbHandle): void {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** `caucus serve`: migrate, build, listen (and run the jobs unless JOBS_IN_PROCESS=false), and stop cleanly on SIGINT/SIGTERM. */
export async function startServer(config: Config, options: { dev: boolean }) {
  const started = Date.now();
  const db = await openConfiguredDatabase(config);
  const applied = await migrateToLatest(db.db);
  const app = await buildApp({ config, db, web: options.dev ? 'dev' : 'build' });
  if (applied.length > 0) app.log.info({ applied }, 'migrations applied');
  declareHousekeeping(app);

  await app.listen({ host: config.host, port: config.port });
  if (config.jobsInProcess) await app.jobs.startWorkers();
  app.log.info({ url: config.publicUrl.origin, database: db.engine, jobs: config.jobsInProcess ? 'in process' : 'caucus worker', startupMs: Date.now() - started }, 'Caucus is up');
  closeOnSignal(app, db);
  return app;
}

/**
 * `caucus worker`: the same app without HTTP, running the jobs queued by the `serve` processes.
 * The embedded engine belongs to one process, so a separate worker needs PostgreSQL.
 */
export async function startWorker(config: Config) {
  if (!config.databaseUrl) throw new Error('caucus worker needs DATABASE_URL: the embedded database belongs to the one `caucus serve` process, which runs the jobs itself.');
  const db = await openConfiguredDatabase(config);
  await migrateToLatest(db.db);
  const app = await buildApp({ config, db, web: 'none' });
  declareHousekeeping(app);
  await app.ready();
  await app.jobs.startWorkers();
  app.log.info({ database: db.engine }, 'Caucus worker is up');
  closeOnSignal(app, db);
  return app;
}
