// The forum index's categories: arranged as the page shows them (each top-level category with its
// subcategories), and moved on by live posts. Pure functions, tested on their own.
import type { LiveEvents } from '@caucus/shared/events.ts';
import type { ForumCategory } from '@caucus/shared/schemas/forums.ts';

export interface CategoryBranch {
  category: ForumCategory;
  children: ForumCategory[];
}

/** Top-level categories in the API's order, each with its subcategories (a lost child stands alone rather than vanish). */
export function categoryTree(categories: readonly ForumCategory[]): CategoryBranch[] {
  const tops = new Set(categories.filter((category) => category.parentId === null).map((category) => category.id));
  return categories
    .filter((category) => category.parentId === null || !tops.has(category.parentId))
    .map((category) => ({ category, children: categories.filter((child) => child.parentId === category.id) }));
}

/** What a category and its subcategories hold together: a main category shows its whole branch, as forums do. */
export type CategoryTotals = Pick<ForumCategory, 'threadCount' | 'postCount' | 'lastActivityAt' | 'unreadThreads'>;

export function branchTotals(category: ForumCategory, children: readonly ForumCategory[]): CategoryTotals {
  const all = [category, ...children];
  const times = all.map((one) => one.lastActivityAt).filter((time): time is string => time !== null);
  const unread = all.map((one) => one.unreadThreads).filter((count): count is number => count !== undefined);
  return {
    threadCount: all.reduce((sum, one) => sum + one.threadCount, 0),
    postCount: all.reduce((sum, one) => sum + one.postCount, 0),
    lastActivityAt: times.reduce<string | null>((latest, time) => (latest === null || Date.parse(time) > Date.parse(latest) ? time : latest), null),
    ...(unread.length > 0 && { unreadThreads: unread.reduce((sum, count) => sum + count, 0) }),
  };
}

export type PostCreated = LiveEvents['forum.post.created'];

/**
 * A category after a live post: one more post, one more thread if it opened one, its time. A new
 * thread by someone else is one more unread thread; after a reply, only the server knows whether
 * the thread was unread already (`recount`: ask it again).
 */
export function withPostCreated(category: ForumCategory, event: PostCreated, me: string | null): { category: ForumCategory; recount: boolean } {
  const opening = event.postCount === 1;
  const byOther = event.post.author.handle !== me;
  const unread = category.unreadThreads !== undefined && opening && byOther ? { unreadThreads: category.unreadThreads + 1 } : {};
  return {
    category: {
      ...category,
      ...unread,
      postCount: category.postCount + 1,
      threadCount: category.threadCount + (opening ? 1 : 0),
      lastActivityAt: event.lastPostAt,
    },
    recount: category.unreadThreads !== undefined && !opening,
  };
}

/** The forum's categories after a live post: unchanged (the same array) when it is not one of them. */
export function applyPostCreated(categories: ForumCategory[], event: PostCreated, me: string | null): { categories: ForumCategory[]; recount: boolean } {
  const index = categories.findIndex((category) => category.id === event.categoryId);
  const current = categories[index];
  if (!current) return { categories, recount: false };
  const { category, recount } = withPostCreated(current, event, me);
  return { categories: categories.with(index, category), recount };
}

/**
 * The order of one level of categories after moving `id` one place up (-1) or down (+1), as the
 * positions to write: only those that change. Empty when it cannot move further.
 */
export function reorder(siblings: readonly Pick<ForumCategory, 'id' | 'position'>[], id: string, step: -1 | 1): Array<{ id: string; position: number }> {
  const from = siblings.findIndex((category) => category.id === id);
  const to = from + step;
  if (from < 0 || to < 0 || to >= siblings.length) return [];
  const order = [...siblings];
  [order[from], order[to]] = [order[to]!, order[from]!];
  // Positions are rewritten 0, 1, 2… so that equal or sparse ones (from older arrangements) end up distinct.
  return order.flatMap((category, position) => (category.position === position ? [] : [{ id: category.id, position }]));
}
