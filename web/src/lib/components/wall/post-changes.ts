// What live events and the reader's own acts do to the posts a page shows: pure functions over
// plain arrays (PostList keeps them in Svelte state), so that they can be tested on their own.
import type { LiveEvents } from '@caucus/shared/events.ts';
import type { Post, ReactionState } from '@caucus/shared/schemas/posts.ts';

export type PostViewer = NonNullable<Post['viewer']>;

/** The posts of a page: pinned ones apart (walls), the others newest first, and live ones held back. */
export interface Sections {
  pinned: Post[];
  posts: Post[];
  incoming: Post[];
}

/** What the page knows the reader may do on its wall, for posts that arrive live (they carry no `viewer`). */
export interface WallAbilities {
  /** The reader's handle; null for a visitor. */
  me: string | null;
  respond: boolean;
  moderate: boolean;
  pin: boolean;
}

export interface ListOptions {
  /** Whether a live post belongs on this page (its wall, this feed). */
  accepts: (post: Post) => boolean;
  /** `direct`: live posts go on top at once; `banner`: they wait behind "N new posts". */
  mode: 'direct' | 'banner';
  abilities: WallAbilities;
  /** Walls keep their pinned posts apart, on top; feeds have none. */
  pinnedSection: boolean;
}

/** The reader's rights on a post that came live: guesses from the page, for its buttons; the API has the last word. */
export function liveViewer(post: Post, abilities: WallAbilities): PostViewer {
  const mine = abilities.me !== null && post.author.handle === abilities.me;
  return {
    reaction: null,
    canEdit: mine,
    canDelete: mine || abilities.moderate,
    canPin: abilities.pin,
    canComment: abilities.respond,
    canReact: abilities.respond,
  };
}

/**
 * A newer version of a post. From an action it carries the reader's rights; from a live event it
 * does not, and the old ones stay (without the raw text, which the edit may have made stale).
 */
export function mergePost(old: Post, fresh: Post): Post {
  if (fresh.viewer || !old.viewer) return fresh;
  const viewer = old.bodyHtml === fresh.bodyHtml ? old.viewer : { ...old.viewer, body: undefined };
  return { ...fresh, viewer };
}

export function withReaction(post: Post, state: ReactionState): Post {
  return {
    ...post,
    reactions: state.reactions,
    reactionCount: state.reactionCount,
    ...(post.viewer && { viewer: { ...post.viewer, reaction: state.mine } }),
  };
}

const allOf = (s: Sections) => [...s.pinned, ...s.posts];
const hasPost = (s: Sections, postId: string) => allOf(s).some((p) => p.id === postId) || s.incoming.some((p) => p.id === postId);
const newestFirst = (a: Post, b: Post) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0);

export function patchPost(s: Sections, postId: string, change: (post: Post) => Post): Sections {
  const update = (list: Post[]) => (list.some((p) => p.id === postId) ? list.map((p) => (p.id === postId ? change(p) : p)) : list);
  return { pinned: update(s.pinned), posts: update(s.posts), incoming: update(s.incoming) };
}

export function removePost(s: Sections, postId: string): Sections {
  const keep = (list: Post[]) => list.filter((p) => p.id !== postId);
  return { pinned: keep(s.pinned), posts: keep(s.posts), incoming: keep(s.incoming) };
}

/** The reader's own new post, from the composer: on top at once, whatever the mode. */
export function prependPost(s: Sections, post: Post): Sections {
  const incoming = s.incoming.filter((p) => p.id !== post.id);
  if (s.posts.some((p) => p.id === post.id)) return { ...s, incoming, posts: s.posts.map((p) => (p.id === post.id ? post : p)) };
  return { ...s, incoming, posts: [post, ...s.posts] };
}

/** The held-back posts go on top (the banner's button). */
export function showIncoming(s: Sections): Sections {
  const fresh = s.incoming.filter((post) => !allOf(s).some((p) => p.id === post.id));
  return { ...s, posts: [...fresh, ...s.posts], incoming: [] };
}

/** Edited, pinned or unpinned: on a wall, a post moves in or out of the pinned ones. */
export function replacePost(s: Sections, post: Post, options: Pick<ListOptions, 'pinnedSection'>): Sections {
  const old = allOf(s).find((p) => p.id === post.id);
  const wasPinned = s.pinned.some((p) => p.id === post.id);
  const isPinned = post.pinnedAt !== null;
  if (!old || !options.pinnedSection || wasPinned === isPinned) return patchPost(s, post.id, (p) => mergePost(p, post));
  const updated = mergePost(old, post);
  if (isPinned) return { ...s, posts: s.posts.filter((p) => p.id !== post.id), pinned: [updated, ...s.pinned] };
  return { ...s, pinned: s.pinned.filter((p) => p.id !== post.id), posts: [updated, ...s.posts].sort(newestFirst) };
}

/** A new post from a live event: on top, or held back behind the banner; once only. */
export function receivePost(s: Sections, post: Post, options: ListOptions): Sections {
  if (!options.accepts(post)) return s;
  if (hasPost(s, post.id)) return replacePost(s, post, options);
  if (options.mode === 'banner') return { ...s, incoming: [post, ...s.incoming] };
  return { ...s, posts: [{ ...post, viewer: liveViewer(post, options.abilities) }, ...s.posts] };
}

export function applyLiveEvent<E extends keyof LiveEvents>(s: Sections, name: E, payload: LiveEvents[E], options: ListOptions): Sections {
  switch (name) {
    case 'post.created':
      return receivePost(s, (payload as LiveEvents['post.created']).post, options);
    case 'post.updated':
      return replacePost(s, (payload as LiveEvents['post.updated']).post, options);
    case 'post.deleted':
      return removePost(s, (payload as LiveEvents['post.deleted']).postId);
    case 'reaction.changed': {
      const { postId, reactions, reactionCount } = payload as LiveEvents['reaction.changed'];
      return patchPost(s, postId, (post) => ({ ...post, reactions, reactionCount }));
    }
    case 'comment.created':
    case 'comment.deleted': {
      const event = payload as LiveEvents['comment.created'] | LiveEvents['comment.deleted'];
      const postId = 'comment' in event ? event.comment.postId : event.postId;
      return patchPost(s, postId, (post) => ({ ...post, commentCount: event.commentCount }));
    }
    default:
      return s;
  }
}
