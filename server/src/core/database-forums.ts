import type { ColumnType } from 'kysely';
import type { ForumAccessLevel, ReactionKind } from '@caucus/shared/constants.ts';

// The forums' tables and the moderation log, as Kysely sees them (database.ts holds the rest).

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type WithDefault<T> = ColumnType<T, T | undefined, T>;
type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface ForumCategoriesTable {
  id: string;
  group_id: Nullable<string>;
  parent_id: Nullable<string>;
  slug: string;
  name: string;
  description: WithDefault<string>;
  position: WithDefault<number>;
  read_access: WithDefault<ForumAccessLevel>;
  start_access: WithDefault<ForumAccessLevel>;
  reply_access: WithDefault<ForumAccessLevel>;
  thread_count: WithDefault<number>;
  post_count: WithDefault<number>;
  last_activity_at: Nullable<Date>;
  created_at: Timestamp;
}

export interface ForumThreadsTable {
  id: string;
  category_id: string;
  group_id: Nullable<string>;
  author_id: string;
  title: string;
  post_count: WithDefault<number>;
  last_post_at: Timestamp;
  last_poster_id: Nullable<string>;
  pinned: Nullable<'category' | 'forum'>;
  pinned_at: Nullable<Date>;
  closed_at: Nullable<Date>;
  deleted_at: Nullable<Date>;
  created_at: Timestamp;
  archived_at: Nullable<Date>;
  slow_mode_seconds: Nullable<number>;
  merged_into: Nullable<string>;
}

export interface ForumPostsTable {
  id: string;
  thread_id: string;
  position: number;
  author_id: string;
  body: string;
  body_html: string;
  quote_of: Nullable<string>;
  edited_at: Nullable<Date>;
  deleted_at: Nullable<Date>;
  created_at: Timestamp;
}

export interface ForumPostRevisionsTable {
  id: string;
  post_id: string;
  editor_id: Nullable<string>;
  body: string;
  created_at: Timestamp;
}

export interface ForumReactionsTable {
  post_id: string;
  member_id: string;
  kind: ReactionKind;
  created_at: Timestamp;
}

export interface ForumReadStateTable {
  member_id: string;
  thread_id: string;
  last_read_position: WithDefault<number>;
  level: Nullable<'watching' | 'tracking' | 'muted'>;
  updated_at: Timestamp;
}

export interface ForumSynthesesTable {
  id: string;
  thread_id: string;
  group_id: Nullable<string>;
  version: number;
  current: WithDefault<boolean>;
  author_id: Nullable<string>;
  body: string;
  body_html: string;
  created_at: Timestamp;
  hashtags: ColumnType<string[], string[] | undefined, string[]>;
}

export interface ForumSynthesisSourcesTable {
  synthesis_id: string;
  post_id: string;
}

export interface ForumSynthesisEndorsementsTable {
  synthesis_id: string;
  member_id: string;
  created_at: Timestamp;
}

export interface ForumBookmarksTable {
  member_id: string;
  post_id: string;
  created_at: Timestamp;
}

export interface ModerationLogTable {
  id: string;
  actor_id: Nullable<string>;
  action: string;
  subject_kind: string;
  subject_id: string;
  group_id: Nullable<string>;
  reason: Nullable<string>;
  details: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
}
