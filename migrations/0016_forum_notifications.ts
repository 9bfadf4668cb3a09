import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Notifications of the forums: a reply in a watched thread, a mention in a forum post. They point
// at the thread and the post; both go with them when erased.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('notifications')
    .addColumn('thread_id', 'uuid', (c) => c.references('forum_threads.id').onDelete('cascade'))
    .addColumn('forum_post_id', 'uuid', (c) => c.references('forum_posts.id').onDelete('cascade'))
    .execute();
  await sql`CREATE INDEX notifications_thread_idx ON notifications (thread_id) WHERE thread_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX notifications_forum_post_idx ON notifications (forum_post_id) WHERE forum_post_id IS NOT NULL`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('notifications').dropColumn('forum_post_id').dropColumn('thread_id').execute();
}
