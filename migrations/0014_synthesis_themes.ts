import { sql, type Kysely } from 'kysely';

// The campaign team reads every forum's syntheses together, newest first, by territory and theme:
// a synthesis keeps the hashtags of its text (a theme), and one index serves the network-wide list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('forum_syntheses').addColumn('hashtags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`)).execute();
  await sql`CREATE INDEX forum_syntheses_recent_idx ON forum_syntheses (created_at DESC, id DESC) WHERE current`.execute(db);
  await sql`CREATE INDEX forum_syntheses_hashtags_idx ON forum_syntheses USING gin (hashtags) WHERE current`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX forum_syntheses_hashtags_idx`.execute(db);
  await sql`DROP INDEX forum_syntheses_recent_idx`.execute(db);
  await db.schema.alterTable('forum_syntheses').dropColumn('hashtags').execute();
}
