import type { ReactionKind } from '@caucus/shared/constants.ts';
import type { ReactionCounts, ReactionState } from '@caucus/shared/schemas/posts.ts';
import type { DbOrTx } from '#core/db.ts';
import { forbidden, notFound } from '#core/errors.ts';
import { canReadWall, canRespondOnWall, type Viewer } from '#core/policy.ts';
import { storeNotifications, type StoredNotification } from '#features/notifications/notify.ts';
import { loadWalls, type WallInfo } from './hydrate.ts';
import type { PostsDeps } from './notices.ts';
import { audienceRooms } from './present.ts';
import * as q from './queries.ts';

async function countsOf(db: DbOrTx, postId: string): Promise<ReactionCounts> {
  const rows = await q.reactionCounts(db, [postId]);
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.n)]));
}

/**
 * One reaction per member per post. Reacting again with another kind switches it (no second
 * count, no second notification); again with the same kind changes nothing. Removing a reaction
 * one does not have changes nothing either: both answer the current state.
 */
export function createReactionsService(deps: PostsDeps) {
  const { db, events, notifications } = deps;

  async function lockRespondable(tx: DbOrTx, viewer: Viewer, postId: string): Promise<{ row: q.PostRow; wall: WallInfo }> {
    const row = await q.postForUpdate(tx, postId);
    const wall = row ? (await loadWalls(tx, viewer, [row]))(row) : undefined;
    if (!row || !wall || !canReadWall(viewer, wall.subject)) throw notFound('This post');
    if (!canRespondOnWall(viewer, wall.subject)) throw forbidden('Only the members of this wall may react here.');
    return { row, wall };
  }

  async function answer(viewer: Viewer, post: { row: q.PostRow; wall: WallInfo }, changed: boolean, mine: ReactionKind | null, stored: StoredNotification[]): Promise<ReactionState> {
    notifications.deliver(stored);
    const reactions = await countsOf(db, post.row.id);
    const reactionCount = Object.values(reactions).reduce((sum, n) => sum + n, 0);
    if (changed) events.publish('reaction.changed', { postId: post.row.id, reactions, reactionCount }, audienceRooms(post.row, post.wall.subject));
    return { postId: post.row.id, reactions, reactionCount, mine };
  }

  return {
    async react(viewer: Viewer, postId: string, kind: ReactionKind): Promise<ReactionState> {
      const { post, changed, stored } = await db.transaction().execute(async (tx) => {
        const post = await lockRespondable(tx, viewer, postId);
        const { first, previous } = await q.upsertReaction(tx, postId, viewer.id, kind);
        if (!first) return { post, changed: previous !== kind, stored: [] };
        await q.adjustCounts(tx, postId, { reactions: 1 });
        const stored = await storeNotifications(tx, [{
          recipientId: post.row.author_id, kind: 'reaction', actorId: viewer.id, postId, ...(post.row.group_id ? { groupId: post.row.group_id } : {}),
        }]);
        return { post, changed: true, stored };
      });
      return answer(viewer, post, changed, kind, stored);
    },

    async unreact(viewer: Viewer, postId: string): Promise<ReactionState> {
      const { post, changed } = await db.transaction().execute(async (tx) => {
        const post = await lockRespondable(tx, viewer, postId);
        const removed = await q.deleteReaction(tx, postId, viewer.id);
        if (removed) await q.adjustCounts(tx, postId, { reactions: -1 });
        return { post, changed: removed };
      });
      return answer(viewer, post, changed, null, []);
    },
  };
}
