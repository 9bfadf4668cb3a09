import { sql, type Kysely } from 'kysely';

// Each process keeps recent session lookups for up to 30 s (server/src/core/session-cache.ts).
// These triggers tell every process, at commit, which members' cached sessions to drop: when
// sessions end (logout, logout elsewhere, password change or reset, housekeeping, erasure's
// cascade) and when a member column the session carries changes. The payload is `member:<id>`:
// a member id says nothing a database reader could use as a session, one message covers all of
// a member's sessions, and PostgreSQL folds identical messages of one transaction into one.
// Deletes notify once per statement (a purge ending thousands of sessions sends one message per
// member, not per row, and runs the trigger once).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE FUNCTION caucus_notify_sessions_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('caucus_sessions', 'member:' || member_id) FROM (SELECT DISTINCT member_id FROM ended) AS m;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER sessions_deleted_notify AFTER DELETE ON sessions
    REFERENCING OLD TABLE AS ended FOR EACH STATEMENT EXECUTE FUNCTION caucus_notify_sessions_deleted()`.execute(db);

  // A row trigger, with WHEN: a profile edit that leaves these columns as they were sends nothing.
  await sql`
    CREATE FUNCTION caucus_notify_member_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('caucus_sessions', 'member:' || NEW.id);
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER members_session_columns_notify AFTER UPDATE OF role, handle, display_name, email_verified_at, handle_chosen_at ON members
    FOR EACH ROW WHEN ((OLD.role, OLD.handle, OLD.display_name, OLD.email_verified_at, OLD.handle_chosen_at)
      IS DISTINCT FROM (NEW.role, NEW.handle, NEW.display_name, NEW.email_verified_at, NEW.handle_chosen_at))
    EXECUTE FUNCTION caucus_notify_member_changed()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER members_session_columns_notify ON members`.execute(db);
  await sql`DROP FUNCTION caucus_notify_member_changed()`.execute(db);
  await sql`DROP TRIGGER sessions_deleted_notify ON sessions`.execute(db);
  await sql`DROP FUNCTION caucus_notify_sessions_deleted()`.execute(db);
}
