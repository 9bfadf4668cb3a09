import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { rooms } from '#core/events.ts';
import type { StoredNotification } from './notify.ts';
import { sendNotificationEmail } from './email-job.ts';
import { findNotificationsByIds, unreadCounts } from './queries.ts';
import { presentNotification } from './present.ts';

declare module '#core/jobs.ts' {
  interface JobPayloads {
    /** E-mails one notification to its recipient, unless read or gone by then. */
    'notification.email': { notificationId: string };
  }
}

export interface NotificationDelivery {
  /**
   * After the transaction that stored them has committed: pushes each notification (and the new
   * unread count) to its recipient's open pages, and queues the e-mails asked for. Never throws
   * and never holds the request: failures are logged.
   */
  deliver(stored: StoredNotification[]): void;
  /** Waits until every delivery started so far is done (tests, shutdown). */
  idle(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    notifications: NotificationDelivery;
  }
}

// A mail server that is down for a while: try again after 30 s, 1 min, 2 min… then give up.
const EMAIL_RETRIES = { retryLimit: 6, retryDelay: 30, retryBackoff: true };

async function deliverNow(app: FastifyInstance, stored: StoredNotification[]): Promise<void> {
  if (stored.length === 0) return;
  const ids = [...new Set(stored.map((s) => s.id))];
  const [rows, counts] = await Promise.all([findNotificationsByIds(app.db, ids), unreadCounts(app.db, [...new Set(stored.map((s) => s.recipientId))])]);
  for (const row of rows) {
    app.events.publish('notification.created', { notification: presentNotification(row), unreadCount: counts.get(row.recipient_id) ?? 0 }, [rooms.user(row.recipient_id)]);
  }
  await Promise.all(stored.filter((s) => s.email).map((s) => app.jobs.send('notification.email', { notificationId: s.id }, EMAIL_RETRIES)));
}

export const notificationsPlugin = fp(async (app) => {
  const inFlight = new Set<Promise<void>>();
  const delivery: NotificationDelivery = {
    deliver(stored) {
      const job = deliverNow(app, stored)
        .catch((error: unknown) => app.log.error({ err: error, notifications: stored.map((s) => s.id) }, 'notification delivery failed'))
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
  app.decorate('notifications', delivery);
  // Mail servers answer slowly, not heavily: two workers, so a batch held by one slow mail holds back no other.
  app.jobs.work('notification.email', async ({ notificationId }) => {
    await sendNotificationEmail(app, notificationId);
  }, { localConcurrency: 2 });
  // Deliveries under way finish before the job queue and the database close.
  app.addHook('onClose', async () => delivery.idle());
}, { name: 'notifications', dependencies: ['db', 'events', 'jobs'] });
