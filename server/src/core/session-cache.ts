import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { RESILIENT_CONNECTIONS, survivePoolConnectionLoss } from './db.ts';
import type { NetworkRole } from '@caucus/shared/constants.ts';

// Every signed-in request looks its session up; this keeps the answer for a few seconds.
// ARCHITECTURE.md allows it because every process drops an entry at once on a change: this
// process synchronously (the services call `forgetSession` / `forgetMember` after their commit),
// the others through NOTIFY (migration 0010). The hard TTL bounds what a lost message could cost.

export const SESSION_CACHE_TTL_MS = 30_000;
const MAX_ENTRIES = 50_000;
/** Channel of migration 0010's triggers; each payload is `member:<uuid>`. */
export const SESSION_CHANNEL = 'caucus_sessions';
const RELISTEN_MS = 1_000;

/** What the session lookup loads: the session row and the member columns a request needs. */
export interface CachedSession {
  publicId: string;
  expiresAt: Date;
  lastSeenAt: Date;
  memberId: string;
  handle: string;
  displayName: string;
  role: NetworkRole;
  emailVerified: boolean;
  handleChosen: boolean;
}

/** What services tell this process after committing a change that ends sessions or alters what they carry. */
export interface SessionRevocations {
  forgetSession(sessionId: string): void;
  forgetMember(memberId: string): void;
}

export type SessionCache = ReturnType<typeof createSessionCache>;

/**
 * Keyed by the token's SHA-256 (the session id), never the token. Insertion order is age order
 * (a Map), so the oldest entry goes first when full. `serving` false (the LISTEN connection is
 * down) makes it answer nothing and keep nothing: fail closed, to the database.
 */
export function createSessionCache(options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {}) {
  const ttlMs = options.ttlMs ?? SESSION_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { session: CachedSession; loadedAt: number }>();
  const byMember = new Map<string, Set<string>>();
  let serving = true;
  // Bumped by every forget: a lookup that began before one may have read the row as it was, and must not be kept.
  let generation = 0;

  function remove(sessionId: string): void {
    const entry = entries.get(sessionId);
    if (!entry) return;
    entries.delete(sessionId);
    const ids = byMember.get(entry.session.memberId);
    ids?.delete(sessionId);
    if (ids?.size === 0) byMember.delete(entry.session.memberId);
  }

  return {
    get(sessionId: string): CachedSession | undefined {
      if (!serving) return undefined;
      const entry = entries.get(sessionId);
      if (!entry) return undefined;
      if (now() - entry.loadedAt >= ttlMs) {
        remove(sessionId);
        return undefined;
      }
      return entry.session;
    },
    /** Marks the start of a database lookup; pass it to `remember`. */
    startLookup: () => generation,
    /** Keeps what a lookup loaded, unless something was forgotten since it started or the cache is not serving. */
    remember(sessionId: string, session: CachedSession, lookup: number): void {
      if (!serving || lookup !== generation) return;
      remove(sessionId);
      if (entries.size >= maxEntries) remove(entries.keys().next().value!);
      entries.set(sessionId, { session, loadedAt: now() });
      let ids = byMember.get(session.memberId);
      if (!ids) byMember.set(session.memberId, (ids = new Set()));
      ids.add(sessionId);
    },
    /** The session's expiry or last-seen time was written by this process: the copy follows, its age unchanged. */
    update(sessionId: string, patch: Pick<CachedSession, 'expiresAt' | 'lastSeenAt'>): void {
      const entry = entries.get(sessionId);
      if (entry) entry.session = { ...entry.session, ...patch };
    },
    forgetSession(sessionId: string): void {
      generation += 1;
      remove(sessionId);
    },
    forgetMember(memberId: string): void {
      generation += 1;
      for (const id of [...(byMember.get(memberId) ?? [])]) remove(id);
    },
    forgetAll(): void {
      generation += 1;
      entries.clear();
      byMember.clear();
    },
    setServing(value: boolean): void {
      generation += 1;
      serving = value;
      entries.clear();
      byMember.clear();
    },
    get serving() {
      return serving;
    },
    get size() {
      return entries.size;
    },
  };
}

/** A notification of migration 0010: `member:<id>` drops that member's sessions; anything else, everything. */
export function applySessionNotification(cache: SessionCache, payload: string | undefined): void {
  if (payload?.startsWith('member:')) cache.forgetMember(payload.slice('member:'.length));
  else cache.forgetAll();
}

declare module 'fastify' {
  interface FastifyInstance {
    sessionCache: SessionCache;
  }
}

/**
 * The cache, and on PostgreSQL its LISTEN connection. The embedded engine is one process (the
 * data folder's lock), so the in-process forgets are all it needs.
 */
export const sessionCachePlugin = fp<{ crossProcess: boolean; cache?: SessionCache }>(async (app, { crossProcess, cache = createSessionCache() }) => {
  app.decorate('sessionCache', cache);
  if (!crossProcess) return;
  const listener = sessionListener(app, cache);
  await listener.start();
  app.addHook('onClose', () => listener.stop());
}, { name: 'session-cache', dependencies: ['db'] });

/**
 * One connection LISTENing, on a pool of its own. The cache serves only while it holds a live
 * one: when it ends (PostgreSQL restarted, network lost), the cache empties and stops serving
 * until a new connection has LISTENed again, since changes in between were not heard.
 */
function sessionListener(app: FastifyInstance, cache: SessionCache) {
  const pool = new pg.Pool({ ...app.dbHandle.pool.options, max: 1, ...RESILIENT_CONNECTIONS });
  pool.on('error', (error) => app.log.warn({ err: error }, 'session cache: database connection lost'));
  survivePoolConnectionLoss(pool);
  let stopped = false;
  let client: pg.PoolClient | null = null;
  let retry: NodeJS.Timeout | undefined;

  // Only the connection in use counts: one that failed while LISTENing was handled where it failed.
  const lost = (connection: pg.PoolClient, error: Error) => {
    if (client !== connection) return;
    client = null;
    cache.setServing(false);
    connection.release(error);
    if (!stopped) retry = setTimeout(() => void listen(), RELISTEN_MS);
  };

  async function listen(): Promise<void> {
    cache.setServing(false);
    let connection: pg.PoolClient | undefined;
    try {
      connection = await pool.connect();
      connection.on('notification', (message) => {
        if (message.channel === SESSION_CHANNEL) applySessionNotification(cache, message.payload);
      });
      const held = connection;
      held.once('end', () => lost(held, new Error('the session LISTEN connection ended')));
      held.on('error', (error) => lost(held, error));
      await connection.query(`LISTEN ${SESSION_CHANNEL}`);
    } catch (error) {
      connection?.release(error as Error);
      if (!stopped) {
        app.log.warn({ err: error }, 'session cache: could not LISTEN, sessions are read from the database meanwhile');
        retry = setTimeout(() => void listen(), RELISTEN_MS);
      }
      return;
    }
    if (stopped) return connection.release(true);
    client = connection;
    cache.setServing(true);
  }

  return {
    start: listen,
    async stop() {
      stopped = true;
      clearTimeout(retry);
      cache.setServing(false);
      client?.release(true);
      client = null;
      await pool.end();
    },
  };
}
