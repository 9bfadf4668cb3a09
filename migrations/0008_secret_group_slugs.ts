import { sql, type Kysely } from 'kysely';

// A secret group's address was derived from its name, so creating a group of the same name met
// it (a numbered address) and told a member that a group they may not see exists. Secret groups
// now get random addresses (features/groups/slug.ts secretSlug); the existing ones take one too.
// Their old links stop working: they only ever worked for members, who find the group in their list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`UPDATE groups SET slug = 'groupe-' || substr(md5(random()::text || id::text), 1, 12), updated_at = now() WHERE visibility = 'secret'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(_db: Kysely<any>): Promise<void> {
  // The old addresses are gone by design.
}
