import { sql, type Kysely } from 'kysely';

// Moderators' tools on threads: archive (read-only, out of the active list), slow mode (one reply
// per member per N seconds), and where a merged thread went (its old address leads there).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('forum_threads')
    .addColumn('archived_at', 'timestamptz')
    .addColumn('slow_mode_seconds', 'integer', (c) => c.check(sql`slow_mode_seconds > 0`))
    .addColumn('merged_into', 'uuid', (c) => c.references('forum_threads.id').onDelete('set null'))
    .execute();
  // A member's latest post in a thread, for slow mode: one probe.
  await sql`CREATE INDEX forum_posts_thread_author_idx ON forum_posts (thread_id, author_id, created_at DESC)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX forum_posts_thread_author_idx`.execute(db);
  await db.schema.alterTable('forum_threads').dropColumn('archived_at').dropColumn('slow_mode_seconds').dropColumn('merged_into').execute();
}
