import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { FieldVisibility, GroupMemberState, GroupRole, GroupVisibility, NetworkRole, ReactionKind, TerritoryKind } from '@caucus/shared/constants.ts';
import type {
  ForumBookmarksTable, ForumCategoriesTable, ForumPostRevisionsTable, ForumPostsTable, ForumReactionsTable, ForumReadStateTable, ForumSynthesesTable,
  ForumSynthesisEndorsementsTable, ForumSynthesisSourcesTable, ForumThreadsTable, ModerationLogTable,
} from './database-forums.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A column the database fills when an insert leaves it out. */
type WithDefault<T> = ColumnType<T, T | undefined, T>;

export interface NetworkSettingsTable {
  id: Generated<number>;
  name: string;
  tagline: WithDefault<string>;
  primary_color: WithDefault<string>;
  accent_color: WithDefault<string>;
  setup_completed_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  group_creation: WithDefault<'members' | 'admins'>;
  logo_id: ColumnType<string | null, string | null | undefined, string | null>;
  favicon_id: ColumnType<string | null, string | null | undefined, string | null>;
  media_quota_bytes: WithDefault<number>;
  media_uploads_per_hour: WithDefault<number>;
  updated_at: Timestamp;
}

export interface MembersTable {
  id: string;
  email: string;
  email_verified_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  password_hash: string;
  handle: string;
  display_name: string;
  locale: WithDefault<'fr' | 'en'>;
  role: WithDefault<NetworkRole>;
  bio: WithDefault<string>;
  bio_html: WithDefault<string>;
  commune: WithDefault<string>;
  postal_code: WithDefault<string>;
  links: ColumnType<Array<{ label: string; url: string }>, string | undefined, string>;
  profile_visibility: WithDefault<'public' | 'members'>;
  listed_in_directory: WithDefault<boolean>;
  bio_visibility: WithDefault<FieldVisibility>;
  location_visibility: WithDefault<FieldVisibility>;
  links_visibility: WithDefault<FieldVisibility>;
  avatar_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** When the current handle was chosen; null while it is the provisional one sign-up gave. */
  handle_chosen_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConsentsTable {
  id: string;
  member_id: string;
  purpose: string;
  version: string;
  granted_at: Timestamp;
}

export interface SessionsTable {
  id: string;
  public_id: string;
  member_id: string;
  expires_at: Date;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  user_agent: WithDefault<string>;
  ip: string | null;
}

export interface EmailTokensTable {
  id: string;
  member_id: string;
  purpose: 'verify_email' | 'reset_password' | 'change_email';
  email: string;
  expires_at: Date;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Timestamp;
}

export interface OutboxTable {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  created_at: Timestamp;
}

/** A browser that logged in to a member's account (device cookie): only the token's SHA-256. */
export interface TrustedDevicesTable {
  token_hash: string;
  member_id: string;
  created_at: Timestamp;
}

export interface RateLimitsTable {
  key: string;
  window_start: Date;
  hits: number;
}

type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export interface GroupsTable {
  id: string;
  slug: string;
  name: string;
  description: WithDefault<string>;
  description_html: WithDefault<string>;
  visibility: GroupVisibility;
  territory_kind: Nullable<TerritoryKind>;
  territory_code: Nullable<string>;
  territory_name: Nullable<string>;
  department_code: Nullable<string>;
  region_code: Nullable<string>;
  created_by: Nullable<string>;
  member_count: WithDefault<number>;
  post_count: WithDefault<number>;
  last_activity_at: Timestamp;
  cover_id: Nullable<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupMembersTable {
  group_id: string;
  member_id: string;
  state: GroupMemberState;
  role: WithDefault<GroupRole>;
  invited_by: Nullable<string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GroupInvitationsTable {
  id: string;
  group_id: string;
  email: string;
  invited_by: Nullable<string>;
  expires_at: Date;
  accepted_by: Nullable<string>;
  accepted_at: Nullable<Date>;
  created_at: Timestamp;
}

export interface PostsTable {
  id: string;
  author_id: string;
  wall: 'network' | 'group' | 'profile';
  group_id: Nullable<string>;
  profile_id: Nullable<string>;
  body: string;
  body_html: string;
  comment_count: WithDefault<number>;
  reaction_count: WithDefault<number>;
  pinned_at: Nullable<Date>;
  edited_at: Nullable<Date>;
  deleted_at: Nullable<Date>;
  created_at: Timestamp;
}

export interface CommentsTable {
  id: string;
  post_id: string;
  parent_id: Nullable<string>;
  author_id: string;
  body: string;
  body_html: string;
  edited_at: Nullable<Date>;
  deleted_at: Nullable<Date>;
  created_at: Timestamp;
}

export interface ReactionsTable {
  post_id: string;
  member_id: string;
  kind: ReactionKind;
  created_at: Timestamp;
}

export interface PostHashtagsTable {
  tag: string;
  post_id: string;
  created_at: Date | string;
}

export interface FollowsTable {
  follower_id: string;
  followee_id: string;
  created_at: Timestamp;
}

export interface NotificationsTable {
  id: string;
  recipient_id: string;
  kind: string;
  actor_id: Nullable<string>;
  actor_count: WithDefault<number>;
  group_id: Nullable<string>;
  post_id: Nullable<string>;
  comment_id: Nullable<string>;
  thread_id: Nullable<string>;
  forum_post_id: Nullable<string>;
  merge_key: Nullable<string>;
  read_at: Nullable<Date>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface NotificationPreferencesTable {
  member_id: string;
  kind: string;
  in_app: boolean;
  email: boolean;
}

export interface AccessTokensTable {
  id: string;
  token_hash: string;
  member_id: string;
  name: string;
  last_used_at: Nullable<Date>;
  created_at: Timestamp;
}

export type MediaPurpose = 'avatar' | 'cover' | 'post' | 'logo' | 'favicon';
export interface MediaVariantRecord { name: string; width: number; height: number; type: string; bytes: number }

export interface MediaTable {
  id: string;
  owner_id: string;
  purpose: MediaPurpose;
  storage_key: string;
  alt: string;
  width: number;
  height: number;
  animated: WithDefault<boolean>;
  placeholder: Nullable<string>;
  variants: ColumnType<MediaVariantRecord[], string, string>;
  bytes: number;
  attached_at: Nullable<Date>;
  created_at: Timestamp;
}

export interface PostMediaTable {
  post_id: string;
  media_id: string;
  position: number;
}

export interface MediaQuotasTable {
  member_id: string;
  used_bytes: WithDefault<number>;
  quota_bytes: Nullable<number>;
}

export interface MediaTrashTable {
  storage_key: string;
  names: ColumnType<string[], string, string>;
  deleted_at: Timestamp;
}

export type * from './database-forums.ts';

export interface Database {
  network_settings: NetworkSettingsTable;
  members: MembersTable;
  consents: ConsentsTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  outbox: OutboxTable;
  rate_limits: RateLimitsTable;
  trusted_devices: TrustedDevicesTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_invitations: GroupInvitationsTable;
  posts: PostsTable;
  comments: CommentsTable;
  reactions: ReactionsTable;
  post_hashtags: PostHashtagsTable;
  follows: FollowsTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  access_tokens: AccessTokensTable;
  media: MediaTable;
  post_media: PostMediaTable;
  media_quotas: MediaQuotasTable;
  media_trash: MediaTrashTable;
  forum_categories: ForumCategoriesTable;
  forum_threads: ForumThreadsTable;
  forum_posts: ForumPostsTable;
  forum_post_revisions: ForumPostRevisionsTable;
  forum_reactions: ForumReactionsTable;
  forum_read_state: ForumReadStateTable;
  moderation_log: ModerationLogTable;
  forum_syntheses: ForumSynthesesTable;
  forum_synthesis_sources: ForumSynthesisSourcesTable;
  forum_synthesis_endorsements: ForumSynthesisEndorsementsTable;
  forum_bookmarks: ForumBookmarksTable;
}

export type MemberRow = Selectable<MembersTable>;
export type NewMember = Insertable<MembersTable>;
export type SessionRow = Selectable<SessionsTable>;
