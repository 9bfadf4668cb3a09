import { sql, type Kysely } from 'kysely';

// OWASP's device cookies: a browser that has logged in to an account is trusted for it, and its
// login attempts are counted apart from everyone else's, so that strangers guessing a password
// lock out strangers only. The cookie holds a random token, renewed at each login; this table
// keeps its SHA-256 for a year. Erasure takes the rows with the member.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trusted_devices')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Erasure (the cascade) and the purge of rows past their year.
  await db.schema.createIndex('trusted_devices_member_idx').on('trusted_devices').column('member_id').execute();
  await db.schema.createIndex('trusted_devices_created_idx').on('trusted_devices').column('created_at').execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('trusted_devices').execute();
}
