import type { DbOrTx } from '#core/db.ts';
import type { EventBus } from '#core/events.ts';
import type { RateRule } from '#core/rate-limit.ts';
import type { Db } from '#core/db.ts';
import { canReadWall, type WallSubject } from '#core/policy.ts';
import type { NotificationInput } from '#features/notifications/notify.ts';
import type { NotificationDelivery } from '#features/notifications/plugin.ts';
import type { GroupActivity } from './group-activity.ts';
import { membershipsIn } from './queries.ts';
import type { MentionedMember } from './text.ts';

/** What the posts services need from the app. */
export interface PostsDeps {
  db: Db;
  events: EventBus;
  notifications: NotificationDelivery;
  /** Posting limits per member (RATE_RULES, with the limits the network is configured with). */
  rateRules: { post: RateRule; comment: RateRule };
  /** Groups' post counts and last activity, written after commit (group-activity.ts). */
  groupActivity: GroupActivity;
}

/**
 * The mentioned members who may read the post (one query for a group wall: their rows in the
 * group), as `mention` notifications. Nobody learns of a post they could not open.
 */
export async function mentionNotices(
  db: DbOrTx,
  mentioned: readonly MentionedMember[],
  where: { groupId: string | null; subject: WallSubject; postId: string; commentId?: string },
  actorId: string,
): Promise<NotificationInput[]> {
  if (mentioned.length === 0) return [];
  const { subject } = where;
  const memberships = subject.wall === 'group' && where.groupId
    ? new Map((await membershipsIn(db, where.groupId, mentioned.map((m) => m.id))).map((row) => [row.member_id, { state: row.state, role: row.role }]))
    : new Map();
  return mentioned
    .filter((member) => {
      const reader = { id: member.id, role: member.role, emailVerified: true };
      const theirs: WallSubject = subject.wall === 'group' ? { ...subject, membership: memberships.get(member.id) ?? null } : subject;
      return canReadWall(reader, theirs);
    })
    .map((member) => ({
      recipientId: member.id,
      kind: 'mention' as const,
      actorId,
      postId: where.postId,
      ...(where.commentId ? { commentId: where.commentId } : {}),
      ...(where.groupId ? { groupId: where.groupId } : {}),
    }));
}
