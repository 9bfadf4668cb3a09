// What new, edited and deleted comments do to a post's threads: pure functions (CommentList keeps
// the threads in Svelte state), so that they can be tested on their own.
import type { Comment, CommentPage } from '@caucus/shared/schemas/posts.ts';

export type Thread = CommentPage['threads'][number];

/** Whether the comment is shown with its text (a placeholder does not count). */
export function hasComment(threads: Thread[], commentId: string): boolean {
  return threads.some((t) => (t.comment.id === commentId && !t.comment.deleted) || t.replies.some((r) => r.id === commentId));
}

/** Edited: the new text; the reader's own rights kept when the new version has none (a live event). */
export function updateComment(threads: Thread[], comment: Comment): Thread[] {
  const merge = (old: Comment): Comment => (comment.viewer || !old.viewer ? comment : { ...comment, viewer: { ...old.viewer, body: undefined } });
  return threads.map((t) => ({
    comment: t.comment.id === comment.id ? merge(t.comment) : t.comment,
    replies: t.replies.map((r) => (r.id === comment.id ? merge(r) : r)),
  }));
}

/** A new comment goes last (oldest first), a reply under its comment; each only once. */
export function addComment(threads: Thread[], comment: Comment): Thread[] {
  if (hasComment(threads, comment.id)) return updateComment(threads, comment);
  if (comment.parentId === null) return [...threads, { comment, replies: [] }];
  return threads.map((t) => (t.comment.id === comment.parentId ? { ...t, replies: [...t.replies, comment] } : t));
}

/** A comment with replies stays as a placeholder, as the API keeps it; any other goes. */
export function removeComment(threads: Thread[], commentId: string): Thread[] {
  return threads
    .map((t) => {
      if (t.comment.id !== commentId) return { ...t, replies: t.replies.filter((r) => r.id !== commentId) };
      return t.replies.length > 0 ? { ...t, comment: { ...t.comment, deleted: true, bodyHtml: '', viewer: undefined } } : null;
    })
    .filter((t): t is Thread => t !== null);
}
