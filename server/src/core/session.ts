import { sql } from 'kysely';
import type { NetworkRole } from '@caucus/shared/constants.ts';
import type { DbOrTx } from './db.ts';
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

export async function validateSessionToken(db: DbOrTx, token: string): Promise<ValidSession | null> {
  const id = hashToken(token);
  const row = await db
    .selectFrom('sessions')
    .innerJoin('members', 'members.id', 'sessions.member_id')
    .select(['sessions.id', 'sessions.public_id', 'sessions.expires_at', 'sessions.last_seen_at', 'members.id as member_id', 'members.handle', 'members.display_name', 'members.role', 'members.email_verified_at'])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const now = Date.now();
  if (row.expires_at.getTime() <= now) {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  let expiresAt = row.expires_at;
  const renewed = expiresAt.getTime() - now < (SESSION_DAYS / 2) * DAY_MS;
  if (renewed) expiresAt = new Date(now + SESSION_DAYS * DAY_MS);
  if (renewed || now - new Date(row.last_seen_at).getTime() > LAST_SEEN_EVERY_MS) {
    await db.updateTable('sessions').set({ expires_at: expiresAt, last_seen_at: sql`now()` }).where('id', '=', id).execute();
  }
  return {
    id,
    publicId: row.public_id,
    expiresAt,
    renewed,
    member: { id: row.member_id, handle: row.handle, displayName: row.display_name, role: row.role, emailVerified: row.email_verified_at !== null },
  };
}

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

export async function purgeExpiredSessions(db: DbOrTx): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<', sql<Date>`now()`).execute();
}
