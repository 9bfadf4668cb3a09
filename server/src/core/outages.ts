/**
 * What a failure of the infrastructure looks like, as opposed to a bug: the database away
 * (restart, crash, unreachable, out of connections) or the disk full (PostgreSQL's, or ours under
 * DATA_DIR). The error handler answers these with a 503 or a 507 a person can act on, not a 500.
 */
export type Outage = 'database_unavailable' | 'disk_full';

export const OUTAGE_MESSAGES: Record<Outage, string> = {
  database_unavailable: 'The database is unavailable; try again in a moment.',
  disk_full: 'The server has no disk space left, so nothing new can be saved: the network team must free space. Reading still works.',
};

// Node's socket errors when the server is down or unreachable.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT']);
// pg's own words for a connection that died or never came (it gives them no code).
const PG_CONNECTION_MESSAGES = /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable|Cannot use a pool after calling end)/;

/** The outage behind `error`, or null for anything else (a bug, a constraint, bad input…). */
export function classifyOutage(error: unknown): Outage | null {
  for (const cause of causes(error)) {
    const code = typeof cause.code === 'string' ? cause.code : '';
    // SQLSTATE 53100 disk_full; errno from our own writes (uploads, media, the embedded engine's files).
    if (code === '53100' || DISK_CODES.has(code)) return 'disk_full';
    // 08: connection exception; 57P01-03: shutting down, crashed, starting up; 53xxx: out of
    // connections or memory (insufficient resources, short of the disk).
    if (/^(08...|57P0[123]|53...)$/.test(code) || NETWORK_CODES.has(code)) return 'database_unavailable';
    if (typeof cause.message === 'string' && PG_CONNECTION_MESSAGES.test(cause.message)) return 'database_unavailable';
  }
  return null;
}

/** The error, its `cause` chain and an AggregateError's members (a refused connect on two addresses). */
function* causes(error: unknown, depth = 0): Generator<{ code?: unknown; message?: unknown }> {
  if (!error || typeof error !== 'object' || depth > 5) return;
  yield error as { code?: unknown; message?: unknown };
  if (error instanceof AggregateError) for (const inner of error.errors) yield* causes(inner, depth + 1);
  yield* causes((error as { cause?: unknown }).cause, depth + 1);
}
