import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { FieldVisibility, NetworkRole } from '@caucus/shared/constants.ts';

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

export interface RateLimitsTable {
  key: string;
  window_start: Date;
  hits: number;
}

export interface Database {
  network_settings: NetworkSettingsTable;
  members: MembersTable;
  consents: ConsentsTable;
  sessions: SessionsTable;
  email_tokens: EmailTokensTable;
  outbox: OutboxTable;
  rate_limits: RateLimitsTable;
}

export type MemberRow = Selectable<MembersTable>;
export type NewMember = Insertable<MembersTable>;
export type SessionRow = Selectable<SessionsTable>;
