import type { Config } from './core/config.ts';
import type { ControlRequest } from './core/control-socket.ts';
import type { Db } from './core/db.ts';
import { pendingMigrations } from './core/migrate.ts';
import { createAdmin } from './features/admin/create-admin.ts';

/**
 * The operator commands a running `caucus serve` runs for the CLI on the embedded engine
 * (core/control-socket.ts): each answers the same text as the command run alone.
 */
export async function runControlCommand(request: ControlRequest, deps: { db: Db; config: Config }): Promise<string> {
  switch (request.command) {
    case 'ping':
      return 'pong';
    case 'create-admin':
      return createAdmin(deps.db, deps.config, { email: request.email, handle: request.handle, displayName: request.displayName, password: request.password });
    case 'migrate': {
      // The server migrated at start; it never applies migrations that appeared on disk since (newer code): a restart does.
      const pending = await pendingMigrations(deps.db);
      if (pending.length) throw new Error(`The running server does not apply migrations added since it started (${pending.join(', ')}): restart it, it migrates at start.`);
      return 'The database is up to date (the running server migrated it at start).';
    }
  }
}
