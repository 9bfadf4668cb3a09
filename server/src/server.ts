import path from 'node:path';
import { buildApp } from './app.ts';
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

/** `caucus serve`: migrate, build, listen, and stop cleanly on SIGINT/SIGTERM. */
export async function startServer(config: Config, options: { dev: boolean }) {
  const started = Date.now();
  const db = await openConfiguredDatabase(config);
  const applied = await migrateToLatest(db.db);
  const app = await buildApp({ config, db, web: options.dev ? 'dev' : 'build' });
  if (applied.length > 0) app.log.info({ applied }, 'migrations applied');

  // Housekeeping until the job queue lands: expired sessions, used tokens, old counters.
  const housekeeping = setInterval(() => {
    Promise.all([purgeExpiredSessions(db.db), purgeUsedTokens(db.db), purgeRateLimits(db.db)]).catch((error: unknown) => app.log.warn({ err: error }, 'housekeeping failed'));
  }, 60 * 60 * 1000);
  housekeeping.unref();

  await app.listen({ host: config.host, port: config.port });
  app.log.info({ url: config.publicUrl.origin, database: db.engine, startupMs: Date.now() - started }, 'Caucus is up');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    clearInterval(housekeeping);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  return app;
}
