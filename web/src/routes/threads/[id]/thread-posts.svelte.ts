// The posts a thread page shows, in Svelte state; what changes them is in thread-changes.ts.
import type { LiveEvents } from '@caucus/shared/events.ts';
import type { ForumPost } from '@caucus/shared/schemas/forums.ts';
import { appendOwn, postCreated, postDeleted, postUpdated, showIncoming, type LiveOptions, type ThreadState } from './thread-changes.ts';

export class ThreadPosts {
  #state: ThreadState = $state({ posts: [], incoming: [], gone: false });
  readonly options: Omit<LiveOptions, 'follow'>;

  constructor(posts: ForumPost[], options: Omit<LiveOptions, 'follow'>) {
    this.#state = { posts, incoming: [], gone: false };
    this.options = options;
  }

  get posts(): ForumPost[] {
    return this.#state.posts;
  }
  get incoming(): ForumPost[] {
    return this.#state.incoming;
  }
  get gone(): boolean {
    return this.#state.gone;
  }

  /** A live reply: shown at once when the reader follows the end of the thread, else held back. Says whether it was shown. */
  created(event: LiveEvents['forum.post.created'], follow: boolean): boolean {
    const before = this.#state.posts.length;
    this.#state = postCreated(this.#state, event, { ...this.options, follow });
    return this.#state.posts.length > before;
  }
  updated(post: ForumPost): void {
    this.#state = postUpdated(this.#state, post);
  }
  deleted(event: LiveEvents['forum.post.deleted']): void {
    this.#state = postDeleted(this.#state, event, this.options.threadId);
  }
  /** The reader's own reply, from the reply form. */
  appendOwn(post: ForumPost): void {
    this.#state = appendOwn(this.#state, post);
  }
  showIncoming(): void {
    this.#state = showIncoming(this.#state);
  }
}
