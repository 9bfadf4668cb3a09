import { sql, type Kysely } from 'kysely';

// Local groups and their members, walls (network, group, profile), posts, comments, reactions,
// hashtags, mentions, follows, notifications and their preferences, personal access tokens.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('network_settings')
    .addColumn('group_creation', 'text', (c) => c.notNull().defaultTo('members').check(sql`group_creation IN ('members', 'admins')`))
    .execute();

  await db.schema
    .createTable('groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description_html', 'text', (c) => c.notNull().defaultTo('')) // sanitized at write time
    .addColumn('visibility', 'text', (c) => c.notNull().check(sql`visibility IN ('public', 'private', 'secret')`))
    // A French commune, department or region from @etalab/decoupage-administratif; the department
    // and region of a commune are kept too so that "near me" is three equalities.
    .addColumn('territory_kind', 'text', (c) => c.check(sql`territory_kind IN ('commune', 'department', 'region')`))
    .addColumn('territory_code', 'text')
    .addColumn('territory_name', 'text')
    .addColumn('department_code', 'text')
    .addColumn('region_code', 'text')
    .addColumn('created_by', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('member_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('post_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_activity_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('groups_territory_pair_check', sql`(territory_kind IS NULL) = (territory_code IS NULL)`)
    .execute();
  await sql`CREATE UNIQUE INDEX groups_slug_key ON groups (lower(slug))`.execute(db);
  // Directory: by activity, keyset (last_activity_at, id); by name search (trigram); by territory.
  await sql`CREATE INDEX groups_activity_idx ON groups (last_activity_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX groups_name_search_idx ON groups USING gin (lower(name) gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX groups_territory_idx ON groups (territory_code)`.execute(db);
  await sql`CREATE INDEX groups_department_idx ON groups (department_code)`.execute(db);
  await sql`CREATE INDEX groups_region_idx ON groups (region_code)`.execute(db);

  await db.schema
    .createTable('group_members')
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    // active: a member of the group with a role; pending: asked to join; invited: asked by the group; banned.
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state IN ('active', 'pending', 'invited', 'banned')`))
    .addColumn('role', 'text', (c) => c.notNull().defaultTo('member').check(sql`role IN ('organizer', 'moderator', 'member')`))
    .addColumn('invited_by', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('group_members_pkey', ['group_id', 'member_id'])
    .execute();
  // A member's groups (feed, rooms, profile); a group's roster and requests, keyset by (created_at, member_id).
  await sql`CREATE INDEX group_members_member_idx ON group_members (member_id, state, group_id)`.execute(db);
  await sql`CREATE INDEX group_members_roster_idx ON group_members (group_id, state, created_at, member_id)`.execute(db);

  await db.schema
    .createTable('group_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey()) // SHA-256 of the token, hex
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_by', 'uuid', (c) => c.references('members.id').onDelete('set null'))
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('group_invitations_group_idx').on('group_invitations').columns(['group_id', 'created_at']).execute();

  await db.schema
    .createTable('posts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('wall', 'text', (c) => c.notNull().check(sql`wall IN ('network', 'group', 'profile')`))
    .addColumn('group_id', 'uuid', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('profile_id', 'uuid', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull()) // sanitized at write time
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reaction_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pinned_at', 'timestamptz')
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('posts_wall_target_check', sql`(wall = 'group') = (group_id IS NOT NULL) AND (wall = 'profile') = (profile_id IS NOT NULL)`)
    .execute();
  // Each wall and each source of the home feed is one keyset index scan: (created_at, id) newest first.
  await sql`CREATE INDEX posts_network_wall_idx ON posts (created_at DESC, id DESC) WHERE wall = 'network' AND deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX posts_group_wall_idx ON posts (group_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX posts_profile_wall_idx ON posts (profile_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX posts_author_idx ON posts (author_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX posts_pinned_idx ON posts (group_id, pinned_at DESC) WHERE pinned_at IS NOT NULL AND deleted_at IS NULL`.execute(db);

  await db.schema
    .createTable('comments')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('parent_id', 'uuid', (c) => c.references('comments.id').onDelete('cascade')) // one level of replies
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text', (c) => c.notNull())
    .addColumn('edited_at', 'timestamptz')
    .addColumn('deleted_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX comments_post_idx ON comments (post_id, created_at, id)`.execute(db);

  await db.schema
    .createTable('reactions')
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind IN ('like', 'love', 'applause', 'solidarity', 'thinking')`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('reactions_pkey', ['post_id', 'member_id'])
    .execute();
  await db.schema.createIndex('reactions_member_idx').on('reactions').columns(['member_id', 'post_id']).execute();

  await db.schema
    .createTable('post_hashtags')
    .addColumn('tag', 'text', (c) => c.notNull()) // lower-cased, without '#'
    .addColumn('post_id', 'uuid', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('post_hashtags_pkey', ['tag', 'post_id'])
    .execute();
  await sql`CREATE INDEX post_hashtags_page_idx ON post_hashtags (tag, created_at DESC, post_id DESC)`.execute(db);
  await db.schema.createIndex('post_hashtags_post_idx').on('post_hashtags').column('post_id').execute();

  await db.schema
    .createTable('follows')
    .addColumn('follower_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('followee_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('follows_pkey', ['follower_id', 'followee_id'])
    .addCheckConstraint('follows_not_self', sql`follower_id <> followee_id`)
    .execute();
  await db.schema.createIndex('follows_followee_idx').on('follows').columns(['followee_id', 'follower_id']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('recipient_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.references('members.id').onDelete('cascade'))
    .addColumn('actor_count', 'integer', (c) => c.notNull().defaultTo(1)) // grouped reactions: how many people
    .addColumn('group_id', 'uuid', (c) => c.references('groups.id').onDelete('cascade'))
    .addColumn('post_id', 'uuid', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('comment_id', 'uuid', (c) => c.references('comments.id').onDelete('cascade'))
    // Unread notifications with the same key merge (e.g. reactions to one post).
    .addColumn('merge_key', 'text')
    .addColumn('read_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX notifications_recipient_idx ON notifications (recipient_id, updated_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX notifications_unread_idx ON notifications (recipient_id) WHERE read_at IS NULL`.execute(db);
  await sql`CREATE UNIQUE INDEX notifications_merge_key ON notifications (recipient_id, merge_key) WHERE read_at IS NULL AND merge_key IS NOT NULL`.execute(db);

  await db.schema
    .createTable('notification_preferences')
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('in_app', 'boolean', (c) => c.notNull())
    .addColumn('email', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pkey', ['member_id', 'kind'])
    .execute();

  await db.schema
    .createTable('access_tokens')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique()) // SHA-256 of the token, hex
    .addColumn('member_id', 'uuid', (c) => c.notNull().references('members.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('access_tokens_member_idx').on('access_tokens').columns(['member_id', 'created_at']).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['access_tokens', 'notification_preferences', 'notifications', 'follows', 'post_hashtags', 'reactions', 'comments', 'posts', 'group_invitations', 'group_members', 'groups']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.schema.alterTable('network_settings').dropColumn('group_creation').execute();
}
