import { sql, type Kysely } from 'kysely';

// Media: uploaded images (their variants live in the storage driver, under an unguessable key),
// the images of posts, avatars, group covers, the network's logo and favicon, per-member quotas,
// and the trash the purge job empties from storage.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('media')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('owner_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose IN ('avatar', 'cover', 'post', 'logo', 'favicon')`))
    // Random, 128 bits, base64url: reveals nothing about the member; the variants are `<key>/<name>`.
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('alt', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('animated', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('placeholder', 'text') // the thumbhash rendered as a tiny WebP data URL
    .addColumn('variants', 'jsonb', (c) => c.notNull()) // [{ name, width, height, type, bytes }], narrowest first
    .addColumn('bytes', 'bigint', (c) => c.notNull()) // stored bytes, counted against the owner's quota
    // Null until the image is put to use (avatar, cover, logo, a post); unused uploads are purged after a day.
    .addColumn('attached_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // GET /media/<key>/<name>: one lookup by key.
  await sql`CREATE UNIQUE INDEX media_storage_key ON media (storage_key)`.execute(db);
  await sql`CREATE INDEX media_owner_idx ON media (owner_id, created_at)`.execute(db);
  // The purge of uploads never put to use.
  await sql`CREATE INDEX media_unattached_idx ON media (created_at) WHERE attached_at IS NULL`.execute(db);

  await db.schema
    .createTable('post_media')
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('media_id', 'uuid', (c) => c.notNull().references('media.id').onDelete('cascade'))
    .addColumn('position', 'smallint', (c) => c.notNull().check(sql`position BETWEEN 0 AND 5`))
    .addPrimaryKeyConstraint('post_media_pkey', ['post_id', 'position'])
    .execute();
  // An image belongs to one post; serving it looks up its post by the image.
  await sql`CREATE UNIQUE INDEX post_media_media_key ON post_media (media_id)`.execute(db);
  // The purge finds the images of soft-deleted posts through the deleted posts alone.
  await sql`CREATE INDEX posts_deleted_idx ON posts (deleted_at) WHERE deleted_at IS NOT NULL`.execute(db);

  await db.schema.alterTable('members').addColumn('avatar_id', 'uuid', (c) => c.references('media.id').onDelete('set null')).execute();
  await db.schema.alterTable('groups').addColumn('cover_id', 'uuid', (c) => c.references('media.id').onDelete('set null')).execute();
  await db.schema
    .alterTable('network_settings')
    .addColumn('logo_id', 'uuid', (c) => c.references('media.id').onDelete('set null'))
    .addColumn('favicon_id', 'uuid', (c) => c.references('media.id').onDelete('set null'))
    // Per member, unless an admin sets a member's own quota in media_quotas.
    .addColumn('media_quota_bytes', 'bigint', (c) => c.notNull().defaultTo(500 * 1024 * 1024))
    .addColumn('media_uploads_per_hour', 'integer', (c) => c.notNull().defaultTo(60))
    .execute();
  // Serving an avatar or a cover asks whose it is: by the image.
  await sql`CREATE INDEX members_avatar_idx ON members (avatar_id) WHERE avatar_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX groups_cover_idx ON groups (cover_id) WHERE cover_id IS NOT NULL`.execute(db);

  await db.schema
    .createTable('media_quotas')
    .addColumn('member_id', 'uuid', (c) => c.primaryKey().references('members.id').onDelete('cascade'))
    .addColumn('used_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('quota_bytes', 'bigint') // null: the network's default
    .execute();

  await db.schema
    .createTable('media_trash')
    .addColumn('storage_key', 'text', (c) => c.primaryKey())
    .addColumn('names', 'jsonb', (c) => c.notNull()) // the variants' names, to delete each object
    .addColumn('deleted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // However a media row goes (a replaced avatar, the purge, an erased account's cascade), its files
  // go to the trash for the purge job, and its bytes leave the owner's quota.
  await sql`
    CREATE FUNCTION media_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO media_trash (storage_key, names)
        SELECT OLD.storage_key, coalesce(jsonb_agg(v->'name'), '[]'::jsonb) FROM jsonb_array_elements(OLD.variants) v
        ON CONFLICT (storage_key) DO NOTHING;
      UPDATE media_quotas SET used_bytes = greatest(used_bytes - OLD.bytes, 0) WHERE member_id = OLD.owner_id;
      RETURN OLD;
    END $$`.execute(db);
  await sql`CREATE TRIGGER media_deleted AFTER DELETE ON media FOR EACH ROW EXECUTE FUNCTION media_deleted()`.execute(db);

  // An image taken off its post (the post erased, or edited without it) goes with it.
  await sql`
    CREATE FUNCTION post_media_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      DELETE FROM media WHERE id = OLD.media_id;
      RETURN OLD;
    END $$`.execute(db);
  await sql`CREATE TRIGGER post_media_deleted AFTER DELETE ON post_media FOR EACH ROW EXECUTE FUNCTION post_media_deleted()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS post_media_deleted ON post_media`.execute(db);
  await sql`DROP FUNCTION IF EXISTS post_media_deleted()`.execute(db);
  await sql`DROP TRIGGER IF EXISTS media_deleted ON media`.execute(db);
  await sql`DROP FUNCTION IF EXISTS media_deleted()`.execute(db);
  await db.schema.alterTable('network_settings').dropColumn('logo_id').dropColumn('favicon_id').dropColumn('media_quota_bytes').dropColumn('media_uploads_per_hour').execute();
  await db.schema.alterTable('groups').dropColumn('cover_id').execute();
  await db.schema.alterTable('members').dropColumn('avatar_id').execute();
  await sql`DROP INDEX IF EXISTS posts_deleted_idx`.execute(db);
  for (const table of ['media_trash', 'media_quotas', 'post_media', 'media']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
