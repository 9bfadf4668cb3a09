import type { FastifyInstance } from 'fastify';
import type { Config } from '#core/config.ts';
import type { Db, DbOrTx } from '#core/db.ts';
import { notFound } from '#core/errors.ts';
import { rooms, type EventBus } from '#core/events.ts';
import type { Mailer } from '#core/mail.ts';
import { canSeeGroup, type MaybeViewer } from '#core/policy.ts';
import type { LiveRooms } from '#core/realtime.ts';
import type { NotificationDelivery } from '#features/notifications/plugin.ts';
import type { StoredNotification } from '#features/notifications/notify.ts';
import * as q from './queries.ts';

/** What the groups services need from the app. */
export interface GroupsDeps {
  db: Db;
  config: Config;
  mailer: Mailer;
  events: EventBus;
  live: LiveRooms;
  notifications: NotificationDelivery;
  log: FastifyInstance['log'];
}

export const groupsDeps = (app: FastifyInstance): GroupsDeps => ({
  db: app.db, config: app.config, mailer: app.mailer, events: app.events, live: app.live, notifications: app.notifications, log: app.log,
});

export const groupNotFound = () => notFound('This group');

/**
 * The group of `slug` and the viewer's row in it, or a 404 when it does not exist for this viewer
 * (a secret group to a non-member). With `lock`, the group's row is locked first: call it inside
 * the transaction of a membership change, so that changes to one group happen one at a time.
 */
export async function loadVisibleGroup(db: DbOrTx, viewer: MaybeViewer, slug: string, options: { lock?: boolean } = {}) {
  // A write locks the group's row first, then reads the membership; a read takes both at once.
  const found = options.lock ? await lockedWithMembership(db, viewer, slug) : await q.findGroupWithMembership(db, slug, viewer?.id ?? null);
  if (!found) throw groupNotFound();
  const { group, membership } = found;
  if (!canSeeGroup(viewer, group, membership)) throw groupNotFound();
  return { group, membership };
}

async function lockedWithMembership(db: DbOrTx, viewer: MaybeViewer, slug: string) {
  const group = await q.findGroupBySlug(db, slug, { lock: true });
  return group ? { group, membership: await q.findMembership(db, group.id, viewer?.id ?? null) } : undefined;
}

/** What a committed membership change announces. */
export interface Announcement {
  groupId: string;
  /** The new count, when it moved. */
  memberCount?: number;
  notifications?: StoredNotification[];
  /** Members whose access to the group's live room may have changed; `everyone` after a visibility change. */
  accessChanged?: string[] | 'everyone';
}

/** After commit, never before: the live room's doors, the new count, the notifications. */
export async function announce(deps: GroupsDeps, announcement: Announcement): Promise<void> {
  const { groupId, memberCount, notifications, accessChanged } = announcement;
  const changed = Array.isArray(accessChanged) ? accessChanged : [];
  if (accessChanged) {
    await deps.live.refreshGroupAccess(groupId, changed).catch((error: unknown) => deps.log.warn({ err: error, groupId }, 'could not refresh live group access'));
  }
  // To the group's room only: whoever was just let in is in it by now, whoever left must learn nothing more.
  if (memberCount !== undefined) deps.events.publish('group.members', { groupId, memberCount }, [rooms.group(groupId)]);
  if (notifications && notifications.length > 0) deps.notifications.deliver(notifications);
}
