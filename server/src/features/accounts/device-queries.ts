import { sql } from 'kysely';
import type { DbOrTx } from '#core/db.ts';

// The trusted devices of login protection (device-cookies.ts). Kept apart from queries.ts while
// that file is being reworked; they belong to the same feature.

export const DEVICE_TRUST_DAYS = 365;
// Asked when no account matches the address, so that the lookup costs the same.
const NO_MEMBER = '00000000-0000-0000-0000-000000000000';

/** Whether this token hash was issued, less than a year ago, by a login to this member's account. */
export async function isTrustedDevice(db: DbOrTx, tokenHash: string, memberId: string | undefined): Promise<boolean> {
  const row = await db
    .selectFrom('trusted_devices')
    .select('token_hash')
    .where('token_hash', '=', tokenHash)
    .where('member_id', '=', memberId ?? NO_MEMBER)
    .where('created_at', '>', sql<Date>`now() - make_interval(days => ${DEVICE_TRUST_DAYS})`)
    .executeTakeFirst();
  return row !== undefined;
}

/** Trusts a new token for the member; the browser's previous token, if any, is forgotten. */
export async function replaceTrustedDevice(db: DbOrTx, memberId: string, tokenHash: string, previousHash: string | null): Promise<void> {
  if (previousHash) await db.deleteFrom('trusted_devices').where('token_hash', '=', previousHash).execute();
  await db.insertInto('trusted_devices').values({ token_hash: tokenHash, member_id: memberId }).execute();
}

export async function purgeStaleDevices(db: DbOrTx): Promise<void> {
  await db.deleteFrom('trusted_devices').where('created_at', '<', sql<Date>`now() - make_interval(days => ${DEVICE_TRUST_DAYS})`).execute();
}
