// A page of posts is embedded in the HTML a second time, as the data SvelteKit hydrates from. Most
// of each post repeats the others: the wall (on a wall's own page), the reader's rights, the empty
// counts of a new post. The server sends each repeated part once and each post only what differs;
// the page's universal load (+page.ts) gives every post its parts back, on the server and in the
// browser alike, before the page renders.
import type { Post, PostPage, PostWall } from '@caucus/shared/schemas/posts.ts';

type Viewer = NonNullable<Post['viewer']>;
/** The fields a post leaves out when they hold their usual value (a post nobody reacted to yet, never edited). */
const USUAL = { editedAt: null, pinnedAt: null, commentCount: 0, reactionCount: 0 } as const;
type UsualField = keyof typeof USUAL;

/** A post without what the page says once: its wall, its viewer, its empty reactions and usual values. */
export type CompactPost = Omit<Post, 'wall' | 'viewer' | 'reactions' | UsualField>
  & Partial<Pick<Post, 'wall' | 'reactions' | UsualField>> & { viewer?: Viewer | null };
export type CompactPostPage = Omit<PostPage, 'posts' | 'pinned'> & {
  posts: CompactPost[];
  pinned?: CompactPost[];
  /** The wall most posts live on, and the reader's rights on most posts: a post that differs carries its own. */
  wall?: PostWall;
  viewer?: Viewer;
};

/** Plain JSON values, compared by content whatever the order of their keys. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return keysA.length === keysB.length
    && keysA.every((key) => sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** The value most items share (ties: the first seen), or none when no item has one. */
function mostCommon<T>(values: Array<T | undefined>): T | undefined {
  const seen: Array<{ value: T; count: number }> = [];
  for (const value of values) {
    if (value === undefined) continue;
    const entry = seen.find((candidate) => sameValue(candidate.value, value));
    if (entry) entry.count++;
    else seen.push({ value, count: 1 });
  }
  return seen.reduce<{ value: T; count: number } | undefined>((best, entry) => (!best || entry.count > best.count ? entry : best), undefined)?.value;
}

/** On the server, before the page data leaves. */
export function compactPage(page: PostPage): CompactPostPage {
  const all = [...page.posts, ...(page.pinned ?? [])];
  const wall = mostCommon(all.map((post) => post.wall));
  // The author's own posts carry their raw text for the edit form: never shared.
  const viewer = mostCommon(all.map((post) => (post.viewer?.body === undefined ? post.viewer : undefined)));
  const compact = (post: Post): CompactPost => {
    const out: Record<string, unknown> = { ...post };
    if (wall && sameValue(post.wall, wall)) delete out.wall;
    if (viewer && sameValue(post.viewer, viewer)) delete out.viewer;
    else if (viewer && !post.viewer) out.viewer = null; // not the page's: none at all
    if (Object.keys(post.reactions).length === 0) delete out.reactions;
    for (const [field, usual] of Object.entries(USUAL)) if (out[field] === usual) delete out[field];
    return out as CompactPost;
  };
  return { ...page, posts: page.posts.map(compact), ...(page.pinned && { pinned: page.pinned.map(compact) }), ...(wall && { wall }), ...(viewer && { viewer }) };
}

/** On both sides, before the page renders: every post whole again. */
export function expandPage(page: CompactPostPage): PostPage {
  const { posts, pinned, wall, viewer, ...rest } = page;
  const expand = ({ viewer: own, ...post }: CompactPost): Post => {
    const postViewer = own === undefined ? viewer : own ?? undefined;
    return { ...USUAL, reactions: {}, ...post, wall: (post.wall ?? wall)!, ...(postViewer && { viewer: postViewer }) };
  };
  return { ...rest, posts: posts.map(expand), ...(pinned && { pinned: pinned.map(expand) }) };
}

