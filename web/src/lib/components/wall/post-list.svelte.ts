// The posts a page shows, in Svelte state; what changes them is in post-changes.ts. One class for
// the home feed, walls, hashtags and the post page, so that they all behave alike.
import type { LiveEvents } from '@caucus/shared/events.ts';
import type { Post, PostPage, ReactionState } from '@caucus/shared/schemas/posts.ts';
import {
  applyLiveEvent, patchPost, prependPost, removePost, replacePost, showIncoming, withReaction, type ListOptions, type Sections,
} from './post-changes.ts';

export class PostList {
  #sections: Sections = $state({ pinned: [], posts: [], incoming: [] });
  readonly options: ListOptions;

  constructor(page: Pick<PostPage, 'posts' | 'pinned'>, options: ListOptions) {
    this.#sections = { pinned: page.pinned ?? [], posts: page.posts, incoming: [] };
    this.options = options;
  }

  get pinned(): Post[] {
    return this.#sections.pinned;
  }
  get posts(): Post[] {
    return this.#sections.posts;
  }
  /** Live posts held back until the reader asks for them: the page never moves under their eyes. */
  get incoming(): Post[] {
    return this.#sections.incoming;
  }
  /** Every post on the page, pinned ones first. */
  get all(): Post[] {
    return [...this.#sections.pinned, ...this.#sections.posts];
  }

  apply<E extends keyof LiveEvents>(name: E, payload: LiveEvents[E]): void {
    this.#sections = applyLiveEvent(this.#sections, name, payload, this.options);
  }
  /** The reader's own new post, from the composer. */
  prepend(post: Post): void {
    this.#sections = prependPost(this.#sections, post);
  }
  showIncoming(): void {
    this.#sections = showIncoming(this.#sections);
  }
  /** The post as an action answered it (edited, pinned). */
  replace(post: Post): void {
    this.#sections = replacePost(this.#sections, post, this.options);
  }
  remove(postId: string): void {
    this.#sections = removePost(this.#sections, postId);
  }
  setReaction(state: ReactionState): void {
    this.#sections = patchPost(this.#sections, state.postId, (post) => withReaction(post, state));
  }
  patch(postId: string, change: (post: Post) => Post): void {
    this.#sections = patchPost(this.#sections, postId, change);
  }
}
