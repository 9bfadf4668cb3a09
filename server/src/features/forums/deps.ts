import type { Db } from '#core/db.ts';
import type { EventBus } from '#core/events.ts';
import type { RateRule } from '#core/rate-limit.ts';
import type { NotificationDelivery } from '#features/notifications/plugin.ts';
import type { CategoryActivity } from './category-activity.ts';

/** What the forums services need from the app. */
export interface ForumsDeps {
  db: Db;
  events: EventBus;
  /** Posting limits per member: starting threads as posting on a wall, replies as comments. */
  rateRules: { thread: RateRule; reply: RateRule };
  categoryActivity: CategoryActivity;
  /** Delivers, after commit, the notifications a write stored in its transaction. */
  notifications: NotificationDelivery;
}
