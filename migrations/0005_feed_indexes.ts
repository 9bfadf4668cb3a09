import { sql, type Kysely } from 'kysely';

// The home feed reads each followed author's recent posts and keeps those on profile walls or in
// groups the reader may read: with the wall and group in the index, that filter needs no heap
// visit (an index-only scan), which the benchmark showed to be most of the feed's cost.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX posts_author_feed_idx ON posts (author_id, created_at DESC, id DESC) INCLUDE (wall, group_id) WHERE deleted_at IS NULL`.execute(db);
  await sql`DROP INDEX posts_author_idx`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX posts_author_idx ON posts (author_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`DROP INDEX posts_author_feed_idx`.execute(db);
}
