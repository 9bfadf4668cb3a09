import { sql } from 'kysely';
import type { DbOrTx } from '#core/db.ts';
import type { NewMember } from '#core/database.ts';
import { hashToken } from '#core/tokens.ts';

type TokenPurpose = 'verify_email' | 'reset_password' | 'change_email';

export function findMemberByEmail(db: DbOrTx, email: string) {
  return db.selectFrom('members').select(['id', 'email', 'password_hash', 'email_verified_at', 'display_name', 'handle', 'locale']).where('email', '=', email).executeTakeFirst();
}

export function findMemberById(db: DbOrTx, id: string) {
  return db
    .selectFrom('members')
    .select(['id', 'email', 'password_hash', 'email_verified_at', 'display_name', 'handle', 'handle_chosen_at', 'locale', 'role', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function handleExists(db: DbOrTx, handle: string, exceptMemberId?: string): Promise<boolean> {
  let query = db.selectFrom('members').select('id').where(sql<string>`lower(handle)`, '=', handle.toLowerCase());
  if (exceptMemberId) query = query.where('id', '!=', exceptMemberId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** The member's handle, chosen: from now on it names their profile and resolves in mentions. */
export async function setChosenHandle(db: DbOrTx, memberId: string, handle: string): Promise<void> {
  await db.updateTable('members').set({ handle, handle_chosen_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', memberId).execute();
}

export async function insertMember(db: DbOrTx, member: NewMember): Promise<void> {
  await db.insertInto('members').values(member).execute();
}

export async function insertConsent(db: DbOrTx, consent: { id: string; memberId: string; purpose: string; version: string }): Promise<void> {
  await db.insertInto('consents').values({ id: consent.id, member_id: consent.memberId, purpose: consent.purpose, version: consent.version }).execute();
}

export async function setPasswordHash(db: DbOrTx, memberId: string, passwordHash: string): Promise<void> {
  await db.updateTable('members').set({ password_hash: passwordHash, updated_at: sql`now()` }).where('id', '=', memberId).execute();
}

export async function markEmailVerified(db: DbOrTx, memberId: string, email: string): Promise<boolean> {
  const result = await db
    .updateTable('members')
    .set({ email_verified_at: sql`coalesce(email_verified_at, now())` })
    .where('id', '=', memberId)
    .where('email', '=', email)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function setEmail(db: DbOrTx, memberId: string, email: string): Promise<void> {
  await db.updateTable('members').set({ email, email_verified_at: sql`now()`, updated_at: sql`now()` }).where('id', '=', memberId).execute();
}

export async function insertEmailToken(db: DbOrTx, token: string, row: { memberId: string; purpose: TokenPurpose; email: string; ttlMinutes: number }): Promise<void> {
  if (!db.isTransaction) return db.transaction().execute((tx) => insertEmailToken(tx, token, row));
  // A new link replaces the previous ones of the same kind. Two asked at once (two processes)
  // would each delete only what they saw and both stay valid: one at a time per member.
  await db.selectFrom('members').select('id').where('id', '=', row.memberId).forUpdate().execute();
  await db.deleteFrom('email_tokens').where('member_id', '=', row.memberId).where('purpose', '=', row.purpose).where('used_at', 'is', null).execute();
  await db
    .insertInto('email_tokens')
    .values({ id: hashToken(token), member_id: row.memberId, purpose: row.purpose, email: row.email, expires_at: sql<Date>`now() + make_interval(mins => ${row.ttlMinutes})` })
    .execute();
}

/** Uses a token once, atomically: a second use, an expired or a wrong-purpose token finds nothing. */
export function consumeEmailToken(db: DbOrTx, token: string, purpose: TokenPurpose) {
  return db
    .updateTable('email_tokens')
    .set({ used_at: sql`now()` })
    .where('id', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning(['member_id', 'email'])
    .executeTakeFirst();
}

export async function pendingEmailOf(db: DbOrTx, memberId: string): Promise<string | null> {
  const row = await db
    .selectFrom('email_tokens')
    .select('email')
    .where('member_id', '=', memberId)
    .where('purpose', '=', 'change_email')
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row?.email ?? null;
}

export function listSessions(db: DbOrTx, memberId: string) {
  return db
    .selectFrom('sessions')
    .select(['id', 'public_id', 'user_agent', 'ip', 'created_at', 'last_seen_at'])
    .where('member_id', '=', memberId)
    .where('expires_at', '>', sql<Date>`now()`)
    .orderBy('last_seen_at', 'desc')
    .limit(100)
    .execute();
}

export async function deleteSessionByPublicId(db: DbOrTx, memberId: string, publicId: string): Promise<boolean> {
  const result = await db.deleteFrom('sessions').where('member_id', '=', memberId).where('public_id', '=', publicId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function purgeUsedTokens(db: DbOrTx): Promise<void> {
  await db.deleteFrom('email_tokens').where((eb) => eb.or([eb('expires_at', '<', sql<Date>`now()`), eb('used_at', 'is not', null)])).execute();
}
