import type { ForumPost } from './schemas/forums.ts';
import type { Comment, Post, ReactionCounts } from './schemas/posts.ts';
import type { Notification } from './schemas/notifications.ts';

/**
 * Live events, as the socket.io client and the streaming API receive them. Each is published by a
 * service after its transaction commits, to the rooms whose readers may see it.
 */
export interface LiveEvents {
  'post.created': { post: Post };
  /** Edited, pinned or unpinned: the whole post again. */
  'post.updated': { post: Post };
  'post.deleted': { postId: string; groupId: string | null };
  'comment.created': { comment: Comment; commentCount: number };
  'comment.updated': { comment: Comment };
  'comment.deleted': { postId: string; commentId: string; commentCount: number };
  'reaction.changed': { postId: string; reactions: ReactionCounts; reactionCount: number };
  'notification.created': { notification: Notification; unreadCount: number };
  'notifications.read': { unreadCount: number };
  /** Someone joined or left a group: its count moved. */
  'group.members': { groupId: string; memberCount: number };
  /** A thread's new post (its opening post for a new thread), to the forum's room. */
  'forum.post.created': { post: ForumPost; threadId: string; categoryId: string; postCount: number; lastPostAt: string };
  'forum.post.updated': { post: ForumPost };
  'forum.post.deleted': { threadId: string; postId: string };
}
export type LiveEventName = keyof LiveEvents;
export const LIVE_EVENT_NAMES = ['post.created', 'post.updated', 'post.deleted', 'comment.created', 'comment.updated', 'comment.deleted', 'reaction.changed', 'notification.created', 'notifications.read', 'group.members', 'forum.post.created', 'forum.post.updated', 'forum.post.deleted'] as const satisfies readonly LiveEventName[];

/** socket.io: what a page asks for. The server answers whether the policy let it in. */
export interface LiveClientEvents {
  /** Follow a group's wall (or a profile's, or a post's) while the page is open. */
  'watch': (target: WatchTarget, ack: (result: { ok: boolean }) => void) => void;
  'unwatch': (target: WatchTarget) => void;
}
export type WatchTarget = { group: string } | { profile: string } | { post: string };
