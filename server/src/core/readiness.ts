import { statfs } from 'node:fs/promises';
import path from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from './config.ts';
import { pendingMigrations } from './migrate.ts';

/**
 * Below this much free space under DATA_DIR, /readyz says "disk full": room for one upload at the
 * largest allowed size (20 MB by default) and the embedded engine's next WAL segment (16 MB) is
 * gone, so writes are about to fail if they do not already.
 */
export const DISK_FULL_BELOW_BYTES = 32 * 1024 * 1024;
/** A probe answers within this time even when the database hangs (a host gone, a stuck engine). */
export const DATABASE_CHECK_TIMEOUT_MS = 2_000;

export type Readiness =
  | { status: 'ready'; database: string }
  | { status: 'disk full'; freeBytes: number }
  | { status: 'database unavailable' }
  | { status: 'migrations pending'; pending: string[] }
  | { status: 'live updates reconnecting' };

/** Free bytes for an unprivileged writer on the file system holding `dir` (or its nearest existing parent). */
export async function freeBytes(dir: string): Promise<number> {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    try {
      const stats = await statfs(at);
      return stats.bavail * stats.bsize;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || at === path.dirname(at)) throw error;
    }
  }
}

/**
 * /healthz: the process answers. /readyz: it can serve — the disk under DATA_DIR has room, the
 * database answers within two seconds and is migrated, live events reach this process from the
 * others (after an outage, the adapter LISTENs again within ~3 s of the database). Both are polled every few seconds: they
 * stay out of the log, and neither ever waits long.
 */
export const readinessPlugin = fp<{ config: Pick<Config, 'dataDir'> }>(async (app, { config }) => {
  async function readiness(): Promise<Readiness> {
    const free = await freeBytes(config.dataDir);
    if (free < DISK_FULL_BELOW_BYTES) return { status: 'disk full', freeBytes: free };
    try {
      const pending = await withTimeout(pendingMigrations(app.db), DATABASE_CHECK_TIMEOUT_MS);
      if (pending.length > 0) return { status: 'migrations pending', pending };
      if (!app.liveListening()) return { status: 'live updates reconnecting' };
      return { status: 'ready', database: app.dbHandle.engine };
    } catch (error) {
      app.log.warn({ err: error }, 'readiness check: database unavailable');
      return { status: 'database unavailable' };
    }
  }

  app.get('/healthz', { schema: { hide: true }, logLevel: 'warn' }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
    const result = await readiness();
    return reply.status(result.status === 'ready' ? 200 : 503).send(result);
  });
}, { name: 'readiness', dependencies: ['db', 'realtime'] });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
