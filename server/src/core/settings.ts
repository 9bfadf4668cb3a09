import { sql } from 'kysely';
import type { DbOrTx } from './db.ts';

/** The network's settings row (one per network): name, colours, whether the first-run setup is done. */
export function getSettings(db: DbOrTx) {
  return db.selectFrom('network_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
}

export async function isSetupComplete(db: DbOrTx): Promise<boolean> {
  return (await getSettings(db)).setup_completed_at !== null;
}

export async function updateSettings(db: DbOrTx, patch: { name?: string; tagline?: string; primary_color?: string; accent_color?: string; group_creation?: 'members' | 'admins' }) {
  return db.updateTable('network_settings').set({ ...patch, updated_at: sql`now()` }).where('id', '=', 1).returningAll().executeTakeFirstOrThrow();
}

/** Closes the first-run setup once; false when it was already closed (a second wizard lost the race). */
export async function completeSetup(db: DbOrTx): Promise<boolean> {
  const row = await db.updateTable('network_settings').set({ setup_completed_at: sql`now()` }).where('id', '=', 1).where('setup_completed_at', 'is', null).returning('id').executeTakeFirst();
  return row !== undefined;
}
