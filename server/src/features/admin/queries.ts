import { sql } from 'kysely';
import type { NetworkRole } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import { escapeLike } from '#core/sql.ts';
import { imageColumn } from '#features/media/service.ts';

// The exact timestamp as text: a JS Date would drop the microseconds and break the keyset.
const sortKey = sql<string>`created_at::text`.as('sort_key');

/** Every member, newest first (members_created_idx), optionally by part of name, handle or e-mail. */
export function memberPage(db: DbOrTx, filter: { q?: string; after?: { sortKey: string; id: string }; limit: number }) {
  let query = db.selectFrom('members').select(['id', 'handle', 'display_name', 'email', 'email_verified_at', 'role', 'created_at', sortKey, imageColumn('avatar_id').as('avatar')]);
  if (filter.q) query = query.where(sql<string>`lower(display_name || ' ' || handle || ' ' || email)`, 'like', `%${escapeLike(filter.q)}%`);
  if (filter.after) query = query.where(sql<boolean>`(created_at, id) < (${filter.after.sortKey}::timestamptz, ${filter.after.id}::uuid)`);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
}

export function findMember(db: DbOrTx, id: string) {
  return db.selectFrom('members').select(['id', 'handle', 'display_name', 'email', 'email_verified_at', 'role', 'created_at', imageColumn('avatar_id').as('avatar')]).where('id', '=', id).executeTakeFirst();
}

export function setRole(db: DbOrTx, id: string, role: NetworkRole) {
  return db
    .updateTable('members')
    .set({ role, updated_at: sql`now()` })
    .where('id', '=', id)
    .returning(['id', 'handle', 'display_name', 'email', 'email_verified_at', 'role', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** The outbox, newest first (outbox_created_idx, or outbox_to_idx for one address). */
export function outboxPage(db: DbOrTx, filter: { to?: string; after?: { sortKey: string; id: string }; limit: number }) {
  let query = db.selectFrom('outbox').select(['id', 'to_address', 'subject', 'text_body', 'created_at', sortKey]);
  if (filter.to) query = query.where('to_address', '=', filter.to);
  if (filter.after) query = query.where(sql<boolean>`(created_at, id) < (${filter.after.sortKey}::timestamptz, ${filter.after.id}::uuid)`);
  return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
}
