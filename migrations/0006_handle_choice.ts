import { sql, type Kysely } from 'kysely';

// Handles are chosen after the e-mail is verified, by a signed-in member: sign-up gives a random
// provisional handle and leaves this empty. Members who signed up before chose theirs then.
// The default serves every other way in (setup, `create-admin`, seeds, imports): a handle given
// there is a chosen one.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE members ADD COLUMN handle_chosen_at timestamptz`.execute(db);
  await sql`UPDATE members SET handle_chosen_at = created_at`.execute(db);
  await sql`ALTER TABLE members ALTER COLUMN handle_chosen_at SET DEFAULT now()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE members DROP COLUMN handle_chosen_at`.execute(db);
}
