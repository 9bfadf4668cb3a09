import { sql, type Kysely } from 'kysely';

// Foundation: network settings, members and their profiles, consents, sessions, e-mail tokens,
// the mail outbox and shared rate-limit counters.
// Migrations are frozen in time: they see the schema as it was, not the current Database type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await db.schema
    .createTable('network_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey().defaultTo(1).check(sql`id = 1`))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('tagline', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('primary_color', 'text', (c) => c.notNull().defaultTo('#c8102e'))
    .addColumn('accent_color', 'text', (c) => c.notNull().defaultTo('#1d3557'))
    .addColumn('setup_completed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.insertInto('network_settings').values({ id: 1, name: 'Caucus' }).execute();

  await db.schema
    .createTable('members')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_verified_at', 'timestamptz')
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('fr').check(sql`locale IN ('fr', 'en')`))
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('member').check(sql`role IN ('owner', 'admin', 'moderator', 'member')`))
    .addColumn('bio', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('bio_html', 'text', (c) => c.notNull().defaultTo('')) // sanitized at write time
    .addColumn('commune', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('postal_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('links', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('profile_visibility', 'text', (c) => c.notNull().defaultTo('members').check(sql`profile_visibility IN ('public', 'members')`))
    .addColumn('listed_in_directory', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('bio_visibility', 'text', (c) => c.notNull().defaultTo('members').check(sql`bio_visibility IN ('public', 'members', 'private')`))
    .addColumn('location_visibility', 'text', (c) => c.notNull().defaultTo('members').check(sql`location_visibility IN ('public', 'members', 'private')`))
    .addColumn('links_visibility', 'text', (c) => c.notNull().defaultTo('members').check(sql`links_visibility IN ('public', 'members', 'private')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // E-mails are stored lower-cased; handles keep their case but are unique without it.
  await sql`CREATE UNIQUE INDEX members_email_key ON members (email)`.execute(db);
  await sql`CREATE UNIQUE INDEX members_handle_key ON members (lower(handle))`.execute(db);
  // Directory: keyset by (lower(display_name), id) over listed members.
  await sql`CREATE INDEX members_directory_idx ON members (lower(display_name), id) WHERE listed_in_directory`.execute(db);
  // Directory search by part of a name or handle (never by a commune the member may hide).
  await sql`CREATE INDEX members_directory_search_idx ON members USING gin ((lower(display_name || ' ' || handle)) gin_trgm_ops) WHERE listed_in_directory`.execute(db);
  // Directory by commune or postal code prefix (`lyon%`, `69%`), over listed members.
  await sql`CREATE INDEX members_directory_commune_idx ON members (lower(commune) text_pattern_ops) WHERE listed_in_directory`.execute(db);
  await sql`CREATE INDEX members_directory_postal_idx ON members (postal_code text_pattern_ops) WHERE listed_in_directory`.execute(db);
  // Admin member list: newest first, keyset by (created_at, id).
  await sql`CREATE INDEX members_created_idx ON members (created_at DESC, id DESC)`.execute(db);
  // Exactly one owner at most.
  await sql`CREATE UNIQUE INDEX members_single_owner_key ON members ((true)) WHERE role = 'owner'`.execute(db);

  await db.schema
    .createTable('consents')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('consents_member_idx').on('consents').columns(['member_id', 'purpose']).execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the token, hex
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('sessions_member_idx').on('sessions').columns(['member_id', 'last_seen_at']).execute();

  await db.schema
    .createTable('email_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the token, hex
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose IN ('verify_email', 'reset_password', 'change_email')`))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('email_tokens_member_idx').on('email_tokens').columns(['member_id', 'purpose']).execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Admin outbox page: newest first, optionally for one address.
  await sql`CREATE INDEX outbox_created_idx ON outbox (created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX outbox_to_idx ON outbox (to_address, created_at DESC, id DESC)`.execute(db);

  await db.schema
    .createTable('rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['rate_limits', 'outbox', 'email_tokens', 'sessions', 'consents', 'members', 'network_settings']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
