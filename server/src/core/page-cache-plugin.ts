import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { RESILIENT_CONNECTIONS, survivePoolConnectionLoss } from './db.ts';
import { createPageCache, type PageCache, type PageCacheOptions } from './page-cache.ts';

declare module 'fastify' {
  interface FastifyInstance {
    pageCache: PageCache;
  }
}

export const PAGE_CACHE_CHANNEL = 'caucus_pages';
/** A burst of writes sends one notification now and one at the end of each such window, not one per write. */
const NOTIFY_WINDOW_MS = 100;
const RELISTEN_DELAY_MS = 1_000;
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The page cache and what empties it: any successful unsafe API request (form actions reach the API
 * too) and any domain event (jobs publish them), here at once and in every other process through
 * PostgreSQL NOTIFY. Each process LISTENs on a connection of its own; while it has none, its cache
 * is closed. The embedded engine is one process: nothing to tell.
 */
export const pageCachePlugin = fp<{ cache?: PageCacheOptions }>(async (app, options) => {
  const cache = createPageCache(options.cache);
  const channel = app.dbHandle.engine === 'postgres' ? crossProcessChannel(app, cache) : null;

  const invalidateEverywhere = () => {
    cache.invalidate();
    channel?.notifyOthers();
  };
  app.addHook('onResponse', async (request, reply) => {
    if (UNSAFE_METHODS.has(request.method) && request.url.startsWith('/api/') && reply.statusCode < 400) invalidateEverywhere();
  });
  const unsubscribe = app.events.subscribe(invalidateEverywhere);

  app.decorate('pageCache', cache);
  app.addHook('onClose', async () => {
    unsubscribe();
    await channel?.close();
  });
}, { name: 'page-cache', dependencies: ['db', 'events'] });

function crossProcessChannel(app: FastifyInstance, cache: PageCache) {
  // Notifications carry the sender's id: a process's own write has already emptied its cache.
  const self = randomUUID();
  const pool = new pg.Pool({ ...app.dbHandle.pool.options, max: 2, ...RESILIENT_CONNECTIONS });
  pool.on('error', (error) => app.log.warn({ err: error }, 'page cache: database connection lost'));
  survivePoolConnectionLoss(pool);
  let closing = false;
  let stopListening: (() => void) | null = null;
  let relisten: NodeJS.Timeout | undefined;
  let lastSentAt = 0;
  let pending: NodeJS.Timeout | undefined;

  cache.setOpen(false);
  void listen();

  async function listen(): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      return retry(error);
    }
    let gone = false;
    const drop = (error?: unknown) => {
      if (gone) return;
      gone = true;
      if (stopListening === drop) stopListening = null;
      // Notifications may be missed from now on: nothing is served until we LISTEN again.
      cache.setOpen(false);
      client.release(new Error('the LISTEN connection ended'));
      retry(error);
    };
    client.on('notification', (message) => {
      if (message.channel === PAGE_CACHE_CHANNEL && message.payload !== self) cache.invalidate();
    });
    client.once('end', () => drop());
    try {
      await client.query(`LISTEN ${PAGE_CACHE_CHANNEL}`);
    } catch (error) {
      return drop(error);
    }
    if (gone) return;
    if (closing) return drop();
    stopListening = drop;
    cache.setOpen(true);
  }

  function retry(error?: unknown): void {
    if (closing) return;
    if (error) app.log.warn({ err: error }, 'page cache: could not LISTEN, pages are not cached meanwhile');
    relisten ??= setTimeout(() => {
      relisten = undefined;
      void listen();
    }, RELISTEN_DELAY_MS);
  }

  function send(): void {
    lastSentAt = Date.now();
    pool.query('SELECT pg_notify($1, $2)', [PAGE_CACHE_CHANNEL, self]).catch((error: unknown) => {
      app.log.warn({ err: error }, 'page cache: could not notify the other processes');
    });
  }

  return {
    notifyOthers(): void {
      if (pending) return;
      const wait = lastSentAt + NOTIFY_WINDOW_MS - Date.now();
      if (wait <= 0) return send();
      pending = setTimeout(() => {
        pending = undefined;
        send();
      }, wait);
    },
    async close(): Promise<void> {
      closing = true;
      clearTimeout(relisten);
      clearTimeout(pending);
      stopListening?.();
      await pool.end();
    },
  };
}
