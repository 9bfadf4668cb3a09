import { sql } from 'kysely';
import type { NotificationKind } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import { newId } from '#core/ids.ts';

export interface NotificationInput {
  recipientId: string;
  kind: NotificationKind;
  actorId: string;
  groupId?: string;
  postId?: string;
  commentId?: string;
  threadId?: string;
  forumPostId?: string;
}

/** Defaults until a member chooses: everything in the app; by e-mail what asks for an answer. */
export const DEFAULT_PREFERENCES: Record<NotificationKind, { inApp: boolean; email: boolean }> = {
  mention: { inApp: true, email: true },
  comment: { inApp: true, email: false },
  reply: { inApp: true, email: true },
  reaction: { inApp: true, email: false },
  join_request: { inApp: true, email: true },
  request_approved: { inApp: true, email: true },
  invitation: { inApp: true, email: true },
  forum_reply: { inApp: true, email: false },
  forum_mention: { inApp: true, email: true },
};

/** Reactions to one post merge into one unread notification ("Léa and 3 others reacted"). */
const mergeKeyOf = (input: NotificationInput): string | null => (input.kind === 'reaction' && input.postId ? `reaction:${input.postId}` : null);

export interface StoredNotification {
  id: string;
  recipientId: string;
  kind: NotificationKind;
  /** The member asked for this kind by e-mail too. */
  email: boolean;
}

/**
 * Writes notifications inside the caller's transaction, honouring each recipient's preferences:
 * nobody is notified of their own act, a kind turned off in the app is not stored. Unread
 * notifications with the same merge key are updated in place. The caller publishes the returned
 * rows after commit (see `NotificationsService.deliver`).
 */
export async function storeNotifications(tx: DbOrTx, inputs: NotificationInput[]): Promise<StoredNotification[]> {
  const wanted = inputs.filter((input) => input.recipientId !== input.actorId);
  if (wanted.length === 0) return [];
  const recipientIds = [...new Set(wanted.map((input) => input.recipientId))];
  const rows = await tx.selectFrom('notification_preferences').select(['member_id', 'kind', 'in_app', 'email']).where('member_id', 'in', recipientIds).execute();
  const chosen = new Map(rows.map((row) => [`${row.member_id}:${row.kind}`, { inApp: row.in_app, email: row.email }]));
  const stored: StoredNotification[] = [];
  const seen = new Set<string>();
  for (const input of wanted) {
    const preference = chosen.get(`${input.recipientId}:${input.kind}`) ?? DEFAULT_PREFERENCES[input.kind];
    if (!preference.inApp) continue;
    // One act notifies a person once (a reply that also mentions them is a reply).
    const once = `${input.recipientId}:${input.postId ?? ''}:${input.commentId ?? ''}:${input.forumPostId ?? ''}:${input.groupId ?? ''}`;
    if (seen.has(once)) continue;
    seen.add(once);
    const mergeKey = mergeKeyOf(input);
    const values = {
      id: newId(),
      recipient_id: input.recipientId,
      kind: input.kind,
      actor_id: input.actorId,
      group_id: input.groupId ?? null,
      post_id: input.postId ?? null,
      comment_id: input.commentId ?? null,
      thread_id: input.threadId ?? null,
      forum_post_id: input.forumPostId ?? null,
      merge_key: mergeKey,
    };
    const row = mergeKey
      ? await tx.insertInto('notifications').values(values)
        .onConflict((oc) => oc.columns(['recipient_id', 'merge_key']).where('read_at', 'is', null).where('merge_key', 'is not', null).doUpdateSet({
          actor_id: input.actorId,
          actor_count: sql`notifications.actor_count + 1`,
          updated_at: sql`now()`,
        }))
        .returning(['id', sql<boolean>`xmax <> 0`.as('merged')]).executeTakeFirstOrThrow()
      : await tx.insertInto('notifications').values(values).returning(['id', sql<boolean>`false`.as('merged')]).executeTakeFirstOrThrow();
    // A merged reaction updates the badge but sends no second e-mail.
    stored.push({ id: row.id, recipientId: input.recipientId, kind: input.kind, email: preference.email && !row.merged });
  }
  return stored;
}
