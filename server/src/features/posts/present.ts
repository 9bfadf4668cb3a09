import type { Author, Comment, Post, ReactionCounts } from '@caucus/shared/schemas/posts.ts';
import { canDeleteOnWall, canEditOwn, canPinOnWall, canRespondOnWall, type MaybeViewer, type WallSubject } from '#core/policy.ts';
import { rooms } from '#core/events.ts';
import type { CommentRow } from './comment-queries.ts';
import type { LoadedPost } from './hydrate.ts';

// Step 4: pure functions from loaded state to JSON. The post itself is the same for every reader
// (and for live subscribers); `viewer` holds this reader's own reaction and rights.

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

const sumOf = (counts: ReactionCounts): number => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** The post as every reader sees it: what live events carry. */
export function presentPost(post: LoadedPost): Post {
  const { row } = post;
  return {
    id: row.id,
    wall: post.wall.json,
    author: post.author,
    bodyHtml: row.body_html,
    createdAt: new Date(row.created_at).toISOString(),
    editedAt: iso(row.edited_at),
    pinnedAt: iso(row.pinned_at),
    commentCount: row.comment_count,
    reactions: post.reactions,
    // The per-kind counts are read with the post, so the total always matches them.
    reactionCount: sumOf(post.reactions),
    ...(post.images.length > 0 ? { images: post.images } : {}),
  };
}

/** The post for one reader: with their reaction and what the policy lets them do. */
export function presentPostFor(post: LoadedPost, viewer: MaybeViewer): Post {
  const subject = post.wall.subject;
  const canEdit = canEditOwn(viewer, post.row.author_id);
  const canRespond = canRespondOnWall(viewer, subject);
  return {
    ...presentPost(post),
    viewer: {
      reaction: post.mine,
      canEdit,
      canDelete: canDeleteOnWall(viewer, post.row.author_id, subject),
      canPin: canPinOnWall(viewer, subject),
      canComment: canRespond,
      canReact: canRespond,
      ...(canEdit ? { body: post.row.body } : {}),
    },
  };
}

export type Authors = Map<string, Author>;

/** A comment as every reader sees it; a deleted one (kept for its replies) has no text left. */
export function presentComment(row: CommentRow, authors: Authors): Comment | undefined {
  const author = authors.get(row.author_id);
  if (!author) return undefined;
  const deleted = row.deleted_at !== null;
  return {
    id: row.id,
    postId: row.post_id,
    parentId: row.parent_id,
    author,
    bodyHtml: deleted ? '' : row.body_html,
    createdAt: new Date(row.created_at).toISOString(),
    editedAt: deleted ? null : iso(row.edited_at),
    deleted,
  };
}

export function presentCommentFor(row: CommentRow, authors: Authors, viewer: MaybeViewer, subject: WallSubject): Comment | undefined {
  const comment = presentComment(row, authors);
  if (!comment) return undefined;
  const canEdit = !comment.deleted && canEditOwn(viewer, row.author_id);
  return {
    ...comment,
    viewer: {
      canEdit,
      canDelete: !comment.deleted && canDeleteOnWall(viewer, row.author_id, subject),
      ...(canEdit ? { body: row.body } : {}),
    },
  };
}

/**
 * Who may receive a post's live events: its wall's room, and the author's followers when the wall
 * is one they may read anyway (a public group, a profile). A private or secret group's post goes to
 * its group's room only.
 */
export function audienceRooms(post: { wall: 'network' | 'group' | 'profile'; group_id: string | null; profile_id: string | null; author_id: string }, subject: WallSubject): string[] {
  if (post.wall === 'network') return [rooms.network];
  if (post.wall === 'group' && subject.wall === 'group' && post.group_id) {
    return subject.group.visibility === 'public' ? [rooms.group(post.group_id), rooms.author(post.author_id)] : [rooms.group(post.group_id)];
  }
  if (post.wall === 'profile' && post.profile_id) return [rooms.profile(post.profile_id), rooms.author(post.author_id)];
  return [];
}
