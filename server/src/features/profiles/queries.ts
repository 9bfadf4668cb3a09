import { sql } from 'kysely';
import type { DbOrTx } from '#core/db.ts';
import { escapeLike } from '#core/sql.ts';
import type { MembersTable } from '#core/database.ts';
import type { Updateable } from 'kysely';
import { imageColumn } from '#features/media/service.ts';

const PROFILE_COLUMNS = [
  'id', 'handle', 'display_name', 'role', 'created_at', 'email_verified_at', 'bio', 'bio_html', 'commune', 'postal_code', 'links',
  'profile_visibility', 'listed_in_directory', 'bio_visibility', 'location_visibility', 'links_visibility', 'handle_chosen_at',
] as const;

export function findProfileByHandle(db: DbOrTx, handle: string) {
  return db.selectFrom('members').select([...PROFILE_COLUMNS, imageColumn('avatar_id').as('avatar')]).where(sql<string>`lower(handle)`, '=', handle.toLowerCase()).executeTakeFirst();
}

export function findProfileById(db: DbOrTx, id: string) {
  return db.selectFrom('members').select([...PROFILE_COLUMNS, imageColumn('avatar_id').as('avatar')]).where('id', '=', id).executeTakeFirst();
}

export type ProfileRow = NonNullable<Awaited<ReturnType<typeof findProfileById>>>;

export async function updateProfile(db: DbOrTx, id: string, patch: Updateable<MembersTable>): Promise<void> {
  await db.updateTable('members').set({ ...patch, updated_at: sql`now()` }).where('id', '=', id).execute();
}


/**
 * One page of the directory: verified members who chose to be listed and chose their handle (a
 * provisional handle names nobody yet), by name then id (keyset,
 * served by members_directory_idx; the name search by members_directory_search_idx).
 */
export function directoryPage(db: DbOrTx, filter: { q?: string; commune?: string; after?: { sortKey: string; id: string }; limit: number }) {
  let query = db
    .selectFrom('members')
    .select(['id', 'handle', 'display_name', 'commune', 'location_visibility', sql<string>`lower(display_name)`.as('sort_key'), imageColumn('avatar_id').as('avatar')])
    .where('listed_in_directory', '=', true)
    .where('email_verified_at', 'is not', null)
    .where('handle_chosen_at', 'is not', null);
  if (filter.q) query = query.where(sql<string>`lower(display_name || ' ' || handle)`, 'like', `%${escapeLike(filter.q)}%`);
  if (filter.commune) {
    const prefix = `${escapeLike(filter.commune)}%`;
    query = query
      .where('location_visibility', '!=', 'private')
      .where((eb) => eb.or([eb(sql<string>`lower(commune)`, 'like', prefix), eb('postal_code', 'like', prefix)]));
  }
  if (filter.after) {
    const { sortKey, id } = filter.after;
    query = query.where(sql<boolean>`(lower(display_name), id) > (${sortKey}, ${id}::uuid)`);
  }
  return query.orderBy(sql`lower(display_name)`).orderBy('id').limit(filter.limit + 1).execute();
}
