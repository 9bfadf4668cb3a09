import { sql } from 'kysely';
import type { NetworkRole } from '@caucus/shared/constants.ts';
import type { DbHandle, DbOrTx } from '#core/db.ts';

const TOKEN_COLUMNS = ['id', 'name', 'created_at', 'last_used_at'] as const;

/** A member's tokens, newest first (access_tokens_member_idx); at most LIMITS.accessTokensPerMember, so one page. */
export function listTokens(db: DbOrTx, memberId: string) {
  return db.selectFrom('access_tokens').select(TOKEN_COLUMNS).where('member_id', '=', memberId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

export type TokenRow = Awaited<ReturnType<typeof listTokens>>[number];

/** Locks the member's row so that two concurrent creations cannot both pass the count. */
export async function lockMember(db: DbOrTx, memberId: string): Promise<void> {
  await db.selectFrom('members').select('id').where('id', '=', memberId).forUpdate().execute();
}

export async function countTokens(db: DbOrTx, memberId: string): Promise<number> {
  const row = await db.selectFrom('access_tokens').select((eb) => eb.fn.countAll<number>().as('n')).where('member_id', '=', memberId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function insertToken(db: DbOrTx, row: { id: string; memberId: string; name: string; tokenHash: string }) {
  return db
    .insertInto('access_tokens')
    .values({ id: row.id, member_id: row.memberId, name: row.name, token_hash: row.tokenHash })
    .returning(TOKEN_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Deletes one of the member's tokens; false when it is not theirs or does not exist. */
export async function deleteToken(db: DbOrTx, memberId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('access_tokens').where('id', '=', id).where('member_id', '=', memberId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export interface TokenLookupRow {
  token_id: string;
  last_used_at: Date | null;
  member_id: string;
  role: NetworkRole;
  email_verified_at: Date | null;
}

// Every request with a bearer token runs this: a named statement, planned once per connection.
const TOKEN_LOOKUP = {
  name: 'caucus_access_token_lookup',
  text: `SELECT t.id AS token_id, t.last_used_at, m.id AS member_id, m.role, m.email_verified_at
    FROM access_tokens t JOIN members m ON m.id = t.member_id WHERE t.token_hash = $1`,
};

export async function findTokenByHash(handle: Pick<DbHandle, 'pool'>, tokenHash: string): Promise<TokenLookupRow | undefined> {
  const { rows } = await handle.pool.query<TokenLookupRow>({ ...TOKEN_LOOKUP, values: [tokenHash] });
  return rows[0];
}

/** Records a use, at most once a minute whatever the number of processes racing to write it. */
export async function touchToken(db: DbOrTx, id: string): Promise<void> {
  await db
    .updateTable('access_tokens')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}

/** Which of these tokens still exist, with their member as the policy module needs them (live connections re-check with this). */
export function findLiveTokens(db: DbOrTx, ids: readonly string[]) {
  return db
    .selectFrom('access_tokens as t')
    .innerJoin('members as m', 'm.id', 't.member_id')
    .select(['t.id as tokenId', 'm.id as memberId', 'm.role', 'm.email_verified_at'])
    .where('t.id', 'in', ids)
    .execute();
}
