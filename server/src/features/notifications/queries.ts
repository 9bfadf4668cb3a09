import { sql } from 'kysely';
import type { DbOrTx } from '#core/db.ts';

/**
 * Notifications with everything their JSON shows, in one query: the latest actor, the group (of
 * the notification or of the post's wall), the post or comment the excerpt comes from, and what
 * the policy needs to decide whether the recipient may still read them (their role, their
 * membership of that group): access may have changed since the notification was stored.
 */
function notificationsWithContext(db: DbOrTx) {
  return db
    .selectFrom('notifications as n')
    .innerJoin('members as r', 'r.id', 'n.recipient_id')
    .leftJoin('members as actor', 'actor.id', 'n.actor_id')
    .leftJoin('posts as p', 'p.id', 'n.post_id')
    .leftJoin('comments as c', 'c.id', 'n.comment_id')
    .leftJoin('forum_posts as fp', 'fp.id', 'n.forum_post_id')
    .leftJoin('forum_threads as ft', 'ft.id', 'n.thread_id')
    .leftJoin('forum_categories as fc', 'fc.id', 'ft.category_id')
    .leftJoin('groups as g', (join) => join.on(sql<boolean>`g.id = coalesce(n.group_id, p.group_id, ft.group_id)`))
    .leftJoin('group_members as gm', (join) => join.onRef('gm.group_id', '=', 'g.id').onRef('gm.member_id', '=', 'n.recipient_id'))
    .select([
      'n.id', 'n.recipient_id', 'n.kind', 'n.actor_count', 'n.post_id', 'n.comment_id', 'n.read_at', 'n.created_at', 'n.updated_at',
      sql<string>`n.updated_at::text`.as('sort_key'),
      'r.role as recipient_role', 'r.email_verified_at as recipient_verified_at', 'r.email as recipient_email', 'r.locale as recipient_locale', 'r.display_name as recipient_name',
      'actor.id as actor_id', 'actor.handle as actor_handle', 'actor.display_name as actor_display_name',
      'n.thread_id', 'ft.title as thread_title', 'fp.position as forum_post_position', 'fc.read_access as category_read_access',
      sql<boolean>`ft.deleted_at IS NOT NULL OR fp.deleted_at IS NOT NULL`.as('forum_gone'),
      'g.id as group_id', 'g.slug as group_slug', 'g.name as group_name', 'g.visibility as group_visibility', 'gm.state as membership_state', 'gm.role as membership_role',
      // The comment when there is one, else the post; deleted ones give no text; only the start is ever shown.
      sql<string | null>`left(CASE WHEN n.forum_post_id IS NOT NULL THEN (CASE WHEN fp.deleted_at IS NULL AND ft.deleted_at IS NULL THEN fp.body_html END)
        WHEN n.comment_id IS NOT NULL THEN (CASE WHEN c.deleted_at IS NULL AND p.deleted_at IS NULL THEN c.body_html END) WHEN p.deleted_at IS NULL THEN p.body_html END, 2000)`.as('source_html'),
    ]);
}

export function findNotificationsByIds(db: DbOrTx, ids: string[]) {
  return notificationsWithContext(db).where('n.id', 'in', ids).execute();
}

export type NotificationRow = Awaited<ReturnType<typeof findNotificationsByIds>>[number];

/** One page of a member's notifications, newest first (keyset, served by notifications_recipient_idx). */
export function notificationsPage(db: DbOrTx, recipientId: string, filter: { unread?: boolean; after?: { sortKey: string; id: string }; limit: number }) {
  let query = notificationsWithContext(db).where('n.recipient_id', '=', recipientId);
  if (filter.unread) query = query.where('n.read_at', 'is', null);
  if (filter.after) query = query.where(sql<boolean>`(n.updated_at, n.id) < (${filter.after.sortKey}::timestamptz, ${filter.after.id}::uuid)`);
  return query.orderBy('n.updated_at', 'desc').orderBy('n.id', 'desc').limit(filter.limit + 1).execute();
}

/** Unread counts of several members at once (served by notifications_unread_idx); absent means 0. */
export async function unreadCounts(db: DbOrTx, recipientIds: string[]): Promise<Map<string, number>> {
  if (recipientIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('notifications')
    .select(['recipient_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('recipient_id', 'in', recipientIds)
    .where('read_at', 'is', null)
    .groupBy('recipient_id')
    .execute();
  return new Map(rows.map((row) => [row.recipient_id, Number(row.n)]));
}

/** A member's unread count as a scalar subquery, for a query that loads something else (the page context). */
export function unreadCountSubquery(db: DbOrTx, recipientId: string) {
  return db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('recipient_id', '=', recipientId)
    .where('read_at', 'is', null);
}

export async function unreadCount(db: DbOrTx, recipientId: string): Promise<number> {
  return (await unreadCounts(db, [recipientId])).get(recipientId) ?? 0;
}

/** Marks one of the member's own notifications read; false when it is not theirs or does not exist. */
export async function markRead(db: DbOrTx, recipientId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('notifications')
    .set({ read_at: sql`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where('recipient_id', '=', recipientId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function markAllRead(db: DbOrTx, recipientId: string): Promise<void> {
  await db.updateTable('notifications').set({ read_at: sql`now()` }).where('recipient_id', '=', recipientId).where('read_at', 'is', null).execute();
}

export function findPreferences(db: DbOrTx, memberId: string) {
  return db.selectFrom('notification_preferences').select(['kind', 'in_app', 'email']).where('member_id', '=', memberId).execute();
}

export async function savePreferences(db: DbOrTx, memberId: string, preferences: Array<{ kind: string; inApp: boolean; email: boolean }>): Promise<void> {
  if (preferences.length === 0) return;
  await db
    .insertInto('notification_preferences')
    .values(preferences.map((p) => ({ member_id: memberId, kind: p.kind, in_app: p.inApp, email: p.email })))
    .onConflict((oc) => oc.columns(['member_id', 'kind']).doUpdateSet((eb) => ({ in_app: eb.ref('excluded.in_app'), email: eb.ref('excluded.email') })))
    .execute();
}
