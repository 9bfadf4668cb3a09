import type { FastifyInstance } from 'fastify';
import type { NotificationKind } from '@caucus/shared/constants.ts';
import { getSettings } from '#core/settings.ts';
import { DEFAULT_PREFERENCES } from './notify.ts';
import { notificationMail } from './mails.ts';
import { plainExcerpt, visibleParts } from './present.ts';
import { findNotificationsByIds, findPreferences } from './queries.ts';

export const PREFERENCES_PATH = '/settings/notifications';

/** Where the mail's link leads: the post (at the comment), else the group, else the notifications page. */
function targetPath(row: { post_id: string | null; comment_id: string | null; group_slug: string | null; thread_id: string | null; forum_post_position: number | null }, contentVisible: boolean): string {
  if (contentVisible && row.thread_id) return `/threads/${row.thread_id}${row.forum_post_position ? `?at=${row.forum_post_position}#p-${row.forum_post_position}` : ''}`;
  if (contentVisible && row.post_id) return `/posts/${row.post_id}${row.comment_id ? `#comment-${row.comment_id}` : ''}`;
  if (row.group_slug) return `/groups/${encodeURIComponent(row.group_slug)}`;
  return '/notifications';
}

/**
 * The `notification.email` job. By the time it runs the notification may be read, deleted, or
 * the member may have turned e-mail off or lost access to its group: then nothing is sent.
 * Returns whether a mail went out; a mail server's failure throws, so the job is retried.
 */
export async function sendNotificationEmail(app: FastifyInstance, notificationId: string): Promise<boolean> {
  const [row] = await findNotificationsByIds(app.db, [notificationId]);
  if (!row || row.read_at !== null || row.recipient_verified_at === null) return false;
  const kind = row.kind as NotificationKind;
  const chosen = (await findPreferences(app.db, row.recipient_id)).find((p) => p.kind === kind);
  if (!(chosen ? chosen.in_app && chosen.email : DEFAULT_PREFERENCES[kind].email)) return false;
  const visible = visibleParts(row);
  // A forum notification whose thread the member may no longer read is not sent at all.
  if (!visible.group || (row.thread_id && !visible.content)) return false;

  const settings = await getSettings(app.db);
  const url = (path: string) => new URL(path, app.config.publicUrl).href;
  const mail = notificationMail(kind, row.recipient_locale, row.recipient_email, {
    network: settings.name,
    name: row.recipient_name,
    actor: row.actor_display_name ?? settings.name,
    others: Math.max(0, row.actor_count - 1),
    group: row.group_name,
    excerpt: visible.content ? plainExcerpt(row.source_html) : '',
    link: url(targetPath(row, visible.content)),
    preferencesLink: url(PREFERENCES_PATH),
  });
  await app.mailer.deliver(mail);
  return true;
}
