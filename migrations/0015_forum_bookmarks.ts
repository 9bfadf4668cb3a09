import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// A member's bookmarks: forum posts to come back to, newest first.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('forum_bookmarks')
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('forum_posts.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('forum_bookmarks_pkey', ['member_id', 'post_id'])
    .execute();
  await sql`CREATE INDEX forum_bookmarks_recent_idx ON forum_bookmarks (member_id, created_at DESC, post_id DESC)`.execute(db);
  await sql`CREATE INDEX forum_bookmarks_post_idx ON forum_bookmarks (post_id)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('forum_bookmarks').execute();
}
