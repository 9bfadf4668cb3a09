// What live events and the reader's own replies do to the posts a thread page shows: pure
// functions over plain arrays (ThreadPosts keeps them in Svelte state), tested on their own.
import type { LiveEvents } from '@caucus/shared/events.ts';
import type { ForumPost } from '@caucus/shared/schemas/forums.ts';

export interface ThreadState {
  /** The page's posts, in order of their numbers. */
  posts: ForumPost[];
  /** Live replies held back until the reader asks: the page does not move under their eyes. */
  incoming: ForumPost[];
  /** The opening post was deleted, and the thread with it. */
  gone: boolean;
}

export interface LiveOptions {
  threadId: string;
  /** The reader's handle (null: a visitor). */
  me: string | null;
  canModerate: boolean;
  /** The reader is at the end of the last page: a new reply joins the page at once. */
  follow: boolean;
}

const shown = (state: ThreadState, postId: string) => state.posts.some((post) => post.id === postId) || state.incoming.some((post) => post.id === postId);

/** A live post carries no rights of the reader: guessed from the page, for its buttons; the API has the last word. */
export function liveViewer(post: ForumPost, options: Pick<LiveOptions, 'me' | 'canModerate'>): NonNullable<ForumPost['viewer']> | undefined {
  if (options.me === null) return undefined;
  // Editing needs the raw text, which only the API's answer to its author carries: a reload brings it.
  return { canEdit: false, canDelete: post.author.handle === options.me || options.canModerate, bookmarked: false };
}

/** The reader's own reply, as the action answered it (with their rights): at the end, once. */
export function appendOwn(state: ThreadState, post: ForumPost): ThreadState {
  if (shown(state, post.id)) return state;
  return { ...state, posts: [...state.posts, post] };
}

export function postCreated(state: ThreadState, event: LiveEvents['forum.post.created'], options: LiveOptions): ThreadState {
  if (event.threadId !== options.threadId || shown(state, event.post.id)) return state;
  const viewer = liveViewer(event.post, options);
  const post: ForumPost = { ...event.post, ...(viewer && { viewer }) };
  return options.follow && state.incoming.length === 0
    ? { ...state, posts: [...state.posts, post] }
    : { ...state, incoming: [...state.incoming, post] };
}

/** A newer version of a post: the reader's rights stay, without the raw text if the text changed (it is stale). */
export function mergePost(old: ForumPost, fresh: ForumPost): ForumPost {
  if (fresh.viewer || !old.viewer) return fresh;
  const viewer = old.bodyHtml === fresh.bodyHtml ? old.viewer : { ...old.viewer, body: undefined };
  return { ...fresh, viewer };
}

export function postUpdated(state: ThreadState, fresh: ForumPost): ThreadState {
  if (!shown(state, fresh.id)) return state;
  const update = (post: ForumPost) => (post.id === fresh.id ? mergePost(post, fresh) : post);
  return { ...state, posts: state.posts.map(update), incoming: state.incoming.map(update) };
}

/** A deleted post keeps its number, empty; replies quoting it lose the excerpt. The opening post takes the thread. */
export function postDeleted(state: ThreadState, event: LiveEvents['forum.post.deleted'], threadId: string): ThreadState {
  if (event.threadId !== threadId) return state;
  const target = state.posts.find((post) => post.id === event.postId);
  if (target?.position === 1) return { ...state, gone: true };
  const update = (post: ForumPost): ForumPost => {
    if (post.id === event.postId) return { ...post, deleted: true, bodyHtml: '', quote: null, reactions: {}, viewer: undefined };
    if (post.quote?.postId === event.postId) return { ...post, quote: { ...post.quote, excerpt: '' } };
    return post;
  };
  return { ...state, posts: state.posts.map(update), incoming: state.incoming.filter((post) => post.id !== event.postId) };
}

export function showIncoming(state: ThreadState): ThreadState {
  return { ...state, posts: [...state.posts, ...state.incoming], incoming: [] };
}

/** The number of the first post the reader had not read before this visit; none on a first visit or when all is read. */
export function firstUnread(posts: readonly Pick<ForumPost, 'position'>[], lastReadPosition: number | undefined): number | undefined {
  if (!lastReadPosition) return undefined;
  return posts.find((post) => post.position > lastReadPosition)?.position;
}

/** The last post number a page shows: what the reader has now read up to. */
export function lastPosition(posts: readonly Pick<ForumPost, 'position'>[]): number {
  return posts.reduce((max, post) => Math.max(max, post.position), 0);
}
