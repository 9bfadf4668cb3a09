import path from 'node:path';
import type { App } from './app.ts';
import type { Config } from './core/config.ts';
import { listenControlSocket } from './core/control-socket.ts';
import { controlSocketPathFor } from './core/data-lock.ts';
import { openDatabase, type DbHandle } from './core/db.ts';
import { migrateToLatest } from './core/migrate.ts';
import { purgeRateLimits } from './core/rate-limit.ts';
import { purgeExpiredSessions } from './core/session.ts';
import { purgeUsedTokens } from './features/accounts/queries.ts';
import { purgeStaleDevices } from './features/accounts/device-queries.ts';
import { recountCategoryActivity } from './features/forums/category-activity.ts';
import { recountGroupActivity } from './features/posts/group-activity.ts';

/** Opens the configured database: PostgreSQL with DATABASE_URL, else PGlite in DATA_DIR/db, locked for this `caucus <command>`. */
export function openConfiguredDatabase(config: Config, command = 'serve'): Promise<DbHandle> {
  return openDatabase(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { pgliteDir: embeddedDbDir(config), pgliteOwner: command });
}

export const embeddedDbDir = (config: Config): string => path.join(config.dataDir, 'db');

/** On the embedded engine, `caucus create-admin` and `caucus migrate` reach this process through a socket beside the database. */
async function serveOperatorCommands(app: App, db: DbHandle, config: Config): Promise<void> {
  const socketPath = controlSocketPathFor(embeddedDbDir(config));
  const { runControlCommand } = await import('./control-commands.ts');
  try {
    const socket = await listenControlSocket(socketPath, (request) => {
      app.log.info({ command: request.command }, 'operator command through the control socket');
      return runControlCommand(request, { db: db.db, config });
    });
    app.addHook('onClose', () => socket.close());
  } catch (error) {
    // Not fatal: the network serves; only the operator commands must wait for a stop.
    app.log.warn({ socketPath, error: (error as Error).message }, 'no control socket: stop the server to run create-admin or migrate');
  }
}

declare module '#core/jobs.ts' {
  interface JobPayloads {
    housekeeping: Record<string, never>;
  }
}

/**
 * Expired sessions, used tokens, old rate-limit counters, devices unseen for a year, groups' post
 * counts set back from their posts: hourly, by whichever process runs the workers.
 */
export function declareHousekeeping(app: App): void {
  app.jobs.work('housekeeping', async () => {
    await Promise.all([purgeExpiredSessions(app.db), purgeUsedTokens(app.db), purgeRateLimits(app.db), purgeStaleDevices(app.db), recountGroupActivity(app.db), recountCategoryActivity(app.db)]);
  });
  app.jobs.schedule('housekeeping', '17 * * * *', {});
}

/**
 * Ends the process cleanly on SIGINT/SIGTERM: running requests and jobs finish, the database closes;
 * forced after 10 s (60 s when the signal comes during start-up). Listening starts before anything opens, so a signal during start-up (which
 * may take a while on the embedded engine) is kept and acted on once there is something to close.
 * A second signal while closing (a relaying parent in the same process group, a second Ctrl-C) is
 * noted, not obeyed: dying on it would leave the database and its lock half closed.
 */
function stopOnSignals(): { attach(app: App, db: DbHandle): void } {
  let running: { app: App; db: DbHandle } | null = null;
  let pending: NodeJS.Signals | null = null;
  let closing = false;
  const log = (level: 'info' | 'error', message: string, signal?: NodeJS.Signals) => {
    if (running) running.app.log[level]({ signal }, message);
    else console[level](`${message}${signal ? ` (${signal})` : ''}`);
  };
  const forceExitAfter = (ms: number, what: string) =>
    setTimeout(() => {
      log('error', `${what} took over ${ms / 1000} s after the stop signal: exiting anyway`);
      process.exit(1);
    }, ms).unref();
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing || (pending && !running)) {
      log('info', 'already shutting down', signal);
      return;
    }
    pending = signal;
    if (!running) {
      // A slow start (the embedded engine on a busy machine) is waited for, a stuck one is not.
      forceExitAfter(60_000, 'start-up');
      log('info', 'stopping as soon as start-up is done', signal);
      return;
    }
    closing = true;
    forceExitAfter(10_000, 'shutdown');
    log('info', 'shutting down', signal);
    try {
      await running.app.close();
      await running.db.close();
    } catch (error) {
      running.app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
    log('info', 'stopped');
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
  return {
    attach(app, db) {
      running = { app, db };
      if (pending) void shutdown(pending);
    },
  };
}

/** `caucus serve`: migrate, build, listen (and run the jobs unless JOBS_IN_PROCESS=false), and stop cleanly on SIGINT/SIGTERM. */
export async function startServer(config: Config, options: { dev: boolean }) {
  const started = Date.now();
  const stopper = stopOnSignals();
  const db = await openConfiguredDatabase(config);
  const applied = await migrateToLatest(db.db);
  // Loaded here, not at the top: the CLI's other commands need only the database.
  const { buildApp } = await import('./app.ts');
  const app = await buildApp({ config, db, web: options.dev ? 'dev' : 'build' });
  if (applied.length > 0) app.log.info({ applied }, 'migrations applied');
  declareHousekeeping(app);
  if (db.engine === 'pglite') await serveOperatorCommands(app, db, config);

  await app.listen({ host: config.host, port: config.port });
  if (config.jobsInProcess) await app.jobs.startWorkers();
  app.log.info({ url: config.publicUrl.origin, database: db.engine, jobs: config.jobsInProcess ? 'in process' : 'caucus worker', startupMs: Date.now() - started }, 'Caucus is up');
  stopper.attach(app, db);
  return app;
}

/**
 * `caucus worker`: the same app without HTTP, running the jobs queued by the `serve` processes.
 * The embedded engine belongs to one process, so a separate worker needs PostgreSQL.
 */
export async function startWorker(config: Config) {
  if (!config.databaseUrl) throw new Error('caucus worker needs DATABASE_URL: the embedded database belongs to the one `caucus serve` process, which runs the jobs itself.');
  const stopper = stopOnSignals();
  const db = await openConfiguredDatabase(config);
  await migrateToLatest(db.db);
  const { buildApp } = await import('./app.ts');
  const app = await buildApp({ config, db, web: 'none' });
  declareHousekeeping(app);
  await app.ready();
  await app.jobs.startWorkers();
  app.log.info({ database: db.engine }, 'Caucus worker is up');
  stopper.attach(app, db);
  return app;
}
