import { sql } from 'kysely';
import type { NetworkRole } from '@caucus/shared/constants.ts';
import type { DbHandle, DbOrTx } from './db.ts';
import type { SessionCache } from './session-cache.ts';
import { generateToken, hashToken } from './tokens.ts';

// Lucia's design: the cookie holds a random token, the database only its SHA-256; 30 days,
// extended when half is gone; last-seen written at most every 5 minutes.
const SESSION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
const LAST_SEEN_EVERY_MS = 5 * 60 * 1000;

export interface SessionMember {
  id: string;
  handle: string;
  displayName: string;
  role: NetworkRole;
  emailVerified: boolean;
  /** False while the member has the provisional handle given at sign-up. */
  handleChosen: boolean;
}

export interface ValidSession {
  id: string;
  publicId: string;
  expiresAt: Date;
  /** True when the expiry moved and the cookie must be sent again. */
  renewed: boolean;
  member: SessionMember;
}

export async function createSession(db: DbOrTx, memberId: string, device: { userAgent: string; ip: string | null }) {
  const token = generateToken();
  const expiresAt = new Date(Date.now() + SESSION_DAYS * DAY_MS);
  await db
    .insertInto('sessions')
    .values({ id: hashToken(token), public_id: generateToken().slice(0, 16), member_id: memberId, expires_at: expiresAt, user_agent: device.userAgent.slice(0, 300), ip: device.ip })
    .execute();
  return { token, expiresAt };
}

interface SessionLookupRow {
  id: string;
  public_id: string;
  expires_at: Date;
  last_seen_at: Date;
  member_id: string;
  handle: string;
  display_name: string;
  role: NetworkRole;
  email_verified_at: Date | null;
  handle_chosen: boolean;
}

// Every signed-in request runs this: a named statement, so PostgreSQL parses and plans it once per connection.
const SESSION_LOOKUP = {
  name: 'caucus_session_lookup',
  text: `SELECT s.id, s.public_id, s.expires_at, s.last_seen_at, m.id AS member_id, m.handle, m.display_name, m.role, m.email_verified_at,
    m.handle_chosen_at IS NOT NULL AS handle_chosen
    FROM sessions s JOIN members m ON m.id = s.member_id WHERE s.id = $1`,
};

/**
 * The session of a token, or null. With a cache, a recent lookup answers (see session-cache.ts);
 * expiry is checked on every request either way.
 */
export async function validateSessionToken(handle: Pick<DbHandle, 'db' | 'pool'>, token: string, cache?: SessionCache): Promise<ValidSession | null> {
  const { db } = handle;
  const id = hashToken(token);
  let session = cache?.get(id);
  if (!session) {
    const lookup = cache?.startLookup();
    const { rows } = await handle.pool.query<SessionLookupRow>({ ...SESSION_LOOKUP, values: [id] });
    const row = rows[0];
    if (!row) return null;
    session = {
      publicId: row.public_id, expiresAt: row.expires_at, lastSeenAt: new Date(row.last_seen_at),
      memberId: row.member_id, handle: row.handle, displayName: row.display_name, role: row.role, emailVerified: row.email_verified_at !== null, handleChosen: row.handle_chosen,
    };
    if (cache && lookup !== undefined) cache.remember(id, session, lookup);
  }
  const now = Date.now();
  if (session.expiresAt.getTime() <= now) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    cache?.forgetSession(id);
    return null;
  }
  let expiresAt = session.expiresAt;
  const renewed = expiresAt.getTime() - now < (SESSION_DAYS / 2) * DAY_MS;
  if (renewed) expiresAt = new Date(now + SESSION_DAYS * DAY_MS);
  if (renewed || now - session.lastSeenAt.getTime() > LAST_SEEN_EVERY_MS) {
    await db.updateTable('sessions').set({ expires_at: expiresAt, last_seen_at: sql`now()` }).where('id', '=', id).execute();
    cache?.update(id, { expiresAt, lastSeenAt: new Date(now) });
  }
  return {
    id,
    publicId: session.publicId,
    expiresAt,
    renewed,
    member: { id: session.memberId, handle: session.handle, displayName: session.displayName, role: session.role, emailVerified: session.emailVerified, handleChosen: session.handleChosen },
  };
}

// Each delete below reaches the other processes' caches through migration 0010's trigger; the
// caller tells its own process's cache once the delete is committed (`SessionRevocations`).

export async function invalidateSession(db: DbOrTx, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of a member, but `keepSessionId` when given. Returns how many ended. */
export async function invalidateMemberSessions(db: DbOrTx, memberId: string, keepSessionId?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('member_id', '=', memberId);
  if (keepSessionId) query = query.where('id', '!=', keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Expired sessions are refused on every request, cached or not: the purge needs no in-process forget. */
export async function purgeExpiredSessions(db: DbOrTx): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).execute();
}
