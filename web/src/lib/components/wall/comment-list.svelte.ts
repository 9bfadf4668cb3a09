// A post's comments as its page shows them, in Svelte state; what changes them is in comment-changes.ts.
import type { LiveEvents } from '@caucus/shared/events.ts';
import type { Comment } from '@caucus/shared/schemas/posts.ts';
import { addComment, hasComment, removeComment, updateComment, type Thread } from './comment-changes.ts';

export type { Thread };

export class CommentList {
  threads: Thread[] = $state([]);
  readonly postId: string;
  /** Moves the post's comment count after the reader's own act (live events bring the exact count). */
  readonly #counted: (delta: number) => void;

  constructor(postId: string, threads: Thread[], counted: (delta: number) => void = () => {}) {
    this.postId = postId;
    this.threads = threads;
    this.#counted = counted;
  }

  /** The reader's own new comment, from the action's answer. */
  addOwn(comment: Comment): void {
    const isNew = !hasComment(this.threads, comment.id);
    this.threads = addComment(this.threads, comment);
    if (isNew) this.#counted(1);
  }

  /** The reader deleted a comment. */
  removeOwn(commentId: string): void {
    const wasShown = hasComment(this.threads, commentId);
    this.threads = removeComment(this.threads, commentId);
    if (wasShown) this.#counted(-1);
  }

  update(comment: Comment): void {
    this.threads = updateComment(this.threads, comment);
  }

  apply(name: 'comment.created' | 'comment.updated' | 'comment.deleted', payload: LiveEvents[typeof name]): void {
    if (name === 'comment.deleted') {
      const event = payload as LiveEvents['comment.deleted'];
      if (event.postId === this.postId) this.threads = removeComment(this.threads, event.commentId);
      return;
    }
    const { comment } = payload as LiveEvents['comment.created'];
    if (comment.postId !== this.postId) return;
    this.threads = name === 'comment.created' ? addComment(this.threads, comment) : updateComment(this.threads, comment);
  }
}
