import { sql, type Kysely } from 'kysely';

// Forums: the network's (group_id NULL) and one per group. Categories (one level of subcategories)
// hold threads; a thread holds its posts numbered from 1 (the opening post), so that a page is a
// keyset range of positions and "jump to reply N" is one index probe. Counters that many writers
// would share (a category's) are written after commit, batched; the thread's own count is the
// numbering, taken under the thread's row lock in the reply's transaction.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const level = (column: string) => sql.raw(`${column} IN ('members', 'moderators', 'organizers')`);
  await db.schema
    .createTable('forum_categories')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('group_id', 'uuid', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('parent_id', 'uuid', (c) => c.references('forum_categories.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('read_access', 'text', (c) => c.notNull().defaultTo('members').check(level('read_access')))
    .addColumn('start_access', 'text', (c) => c.notNull().defaultTo('members').check(level('start_access')))
    .addColumn('reply_access', 'text', (c) => c.notNull().defaultTo('members').check(level('reply_access')))
    .addColumn('thread_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('post_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_activity_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A forum's categories by slug (the network's forum is group NULL), and in order.
  await sql`CREATE UNIQUE INDEX forum_categories_slug_idx ON forum_categories ((coalesce(group_id, '00000000-0000-0000-0000-000000000000'::uuid)), slug)`.execute(db);
  await sql`CREATE INDEX forum_categories_forum_idx ON forum_categories (group_id, position, created_at)`.execute(db);

  await db.schema
    .createTable('forum_threads')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('category_id', 'uuid', (c) => c.notNull().references('forum_categories.id').onDelete('cascade'))
    // The forum the thread belongs to (its category's), kept beside it for the policy and search.
    .addColumn('group_id', 'uuid', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    // Posts written, the opening one included, deleted ones too: the last position given.
    .addColumn('post_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_post_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_poster_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('pinned', 'text', (c) => c.check(sql`pinned IN ('category', 'forum')`))
    .addColumn('pinned_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A category's threads, most recently active first (keyset); its pinned ones; a forum's pinned ones.
  await sql`CREATE INDEX forum_threads_category_idx ON forum_threads (category_id, last_post_at DESC, id DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX forum_threads_pinned_idx ON forum_threads (category_id, pinned_at DESC) WHERE pinned IS NOT NULL AND deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX forum_threads_forum_pinned_idx ON forum_threads (group_id, pinned_at DESC) WHERE pinned = 'forum' AND deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX forum_threads_author_idx ON forum_threads (author_id)`.execute(db);

  await db.schema
    .createTable('forum_posts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('thread_id', 'uuid', (c) => c.notNull().references('forum_threads.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('quote_of', 'uuid', (c) => c.references('forum_posts.id').onDelete('set null'))
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // A page of a thread, and "jump to reply N": one range or one probe.
  await sql`CREATE UNIQUE INDEX forum_posts_thread_position_idx ON forum_posts (thread_id, position)`.execute(db);
  await sql`CREATE INDEX forum_posts_author_idx ON forum_posts (author_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX forum_posts_quote_idx ON forum_posts (quote_of) WHERE quote_of IS NOT NULL`.execute(db);

  // What a post said before each edit, for moderators.
  await db.schema
    .createTable('forum_post_revisions')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('forum_posts.id').onDelete('cascade'))
    .addColumn('editor_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX forum_post_revisions_post_idx ON forum_post_revisions (post_id, created_at)`.execute(db);

  await db.schema
    .createTable('forum_reactions')
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('forum_posts.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('forum_reactions_pkey', ['post_id', 'member_id'])
    .execute();
  await sql`CREATE INDEX forum_reactions_member_idx ON forum_reactions (member_id)`.execute(db);

  // Per member and thread: how far they read, and whether they watch, track or mute it.
  await db.schema
    .createTable('forum_read_state')
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('thread_id', 'uuid', (c) => c.notNull().references('forum_threads.id').onDelete('cascade'))
    .addColumn('last_read_position', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('level', 'text', (c) => c.check(sql`level IN ('watching', 'tracking', 'muted')`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('forum_read_state_pkey', ['member_id', 'thread_id'])
    .execute();
  await sql`CREATE INDEX forum_read_state_thread_idx ON forum_read_state (thread_id)`.execute(db);

  // Every use of a moderator's or organizer's tool: who, what, on what, why. The moderation issue
  // reads it (and chains it); here it is only appended to.
  await db.schema
    .createTable('moderation_log')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('actor_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('subject_id', 'uuid', (c) => c.notNull())
    .addColumn('group_id', 'uuid', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('reason', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX moderation_log_subject_idx ON moderation_log (subject_kind, subject_id, created_at)`.execute(db);
  await sql`CREATE INDEX moderation_log_recent_idx ON moderation_log (created_at DESC, id DESC)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['moderation_log', 'forum_read_state', 'forum_reactions', 'forum_post_revisions', 'forum_posts', 'forum_threads', 'forum_categories']) {
    await db.schema.dropTable(table).execute();
  }
}
