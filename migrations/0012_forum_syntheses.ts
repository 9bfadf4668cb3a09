import { sql, type Kysely } from 'kysely';

// Debate syntheses: a moderator's summary of a thread, shown above it, versioned (each rewrite a new
// row; the newest is `current`), with the posts it draws on, and members' endorsements ("this
// synthesis represents the debate", one per member and version).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('forum_syntheses')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('thread_id', 'uuid', (c) => c.notNull().references('forum_threads.id').onDelete('cascade'))
    // The thread's forum, kept beside it so that a forum's syntheses are one index range.
    .addColumn('group_id', 'uuid', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('current', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('author_id', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE UNIQUE INDEX forum_syntheses_version_idx ON forum_syntheses (thread_id, version)`.execute(db);
  await sql`CREATE UNIQUE INDEX forum_syntheses_current_idx ON forum_syntheses (thread_id) WHERE current`.execute(db);
  await sql`CREATE INDEX forum_syntheses_group_idx ON forum_syntheses (group_id, created_at DESC, id DESC) WHERE current`.execute(db);
  await sql`CREATE INDEX forum_syntheses_network_idx ON forum_syntheses (created_at DESC, id DESC) WHERE current AND group_id IS NULL`.execute(db);
  await sql`CREATE INDEX forum_syntheses_author_idx ON forum_syntheses (author_id)`.execute(db);

  await db.schema
    .createTable('forum_synthesis_sources')
    .addColumn('synthesis_id', 'uuid', (c) => c.notNull().references('forum_syntheses.id').onDelete('cascade'))
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('forum_posts.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('forum_synthesis_sources_pkey', ['synthesis_id', 'post_id'])
    .execute();
  await sql`CREATE INDEX forum_synthesis_sources_post_idx ON forum_synthesis_sources (post_id)`.execute(db);

  await db.schema
    .createTable('forum_synthesis_endorsements')
    .addColumn('synthesis_id', 'uuid', (c) => c.notNull().references('forum_syntheses.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('forum_synthesis_endorsements_pkey', ['synthesis_id', 'member_id'])
    .execute();
  await sql`CREATE INDEX forum_synthesis_endorsements_member_idx ON forum_synthesis_endorsements (member_id)`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['forum_synthesis_endorsements', 'forum_synthesis_sources', 'forum_syntheses']) await db.schema.dropTable(table).execute();
}
