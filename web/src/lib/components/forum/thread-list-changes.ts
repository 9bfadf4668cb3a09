// A category's list of threads, moved on by live posts: pure functions, tested on their own.
import type { ThreadSummary } from '@caucus/shared/schemas/forums.ts';
import type { PostCreated } from './category-tree.ts';

export interface ThreadSections {
  pinned: ThreadSummary[];
  threads: ThreadSummary[];
}

/** A thread's row after one more post: its counts, its last poster, and what the reader has not read. */
export function withPost(thread: ThreadSummary, event: PostCreated, me: string | null): ThreadSummary {
  const changed = { ...thread, postCount: event.postCount, lastPostAt: event.lastPostAt, lastPoster: event.post.author };
  if (thread.lastReadPosition === undefined) return changed;
  // The server counts one's own reply as read up to it.
  const lastRead = event.post.author.handle === me ? Math.max(thread.lastReadPosition, event.post.position) : thread.lastReadPosition;
  return { ...changed, lastReadPosition: lastRead, unreadPosts: Math.max(0, event.postCount - lastRead) };
}

/**
 * The lists after a live post. A known thread changes in place (on the first page it also rises
 * to the top of the unpinned ones: most recently active first); a thread of this category the page
 * does not show (a new one, or one from an older page) needs the server: `reload`.
 */
export function applyPostToThreads(
  sections: ThreadSections,
  event: PostCreated,
  options: { categoryId: string; firstPage: boolean; me: string | null },
): { sections: ThreadSections; reload: boolean } {
  const pinnedIndex = sections.pinned.findIndex((thread) => thread.id === event.threadId);
  const pinnedThread = sections.pinned[pinnedIndex];
  if (pinnedThread) {
    return { sections: { ...sections, pinned: sections.pinned.with(pinnedIndex, withPost(pinnedThread, event, options.me)) }, reload: false };
  }
  const index = sections.threads.findIndex((thread) => thread.id === event.threadId);
  const thread = sections.threads[index];
  if (!thread) return { sections, reload: event.categoryId === options.categoryId && options.firstPage };
  const changed = withPost(thread, event, options.me);
  const threads = options.firstPage
    ? [changed, ...sections.threads.filter((other) => other.id !== thread.id)]
    : sections.threads.with(index, changed);
  return { sections: { ...sections, threads }, reload: false };
}

/** Where a thread's title leads: the first post the reader has not read, when they have read some. */
export function unreadPosition(thread: Pick<ThreadSummary, 'lastReadPosition' | 'unreadPosts'>): number | undefined {
  const lastRead = thread.lastReadPosition ?? 0;
  return lastRead > 0 && (thread.unreadPosts ?? 0) > 0 ? lastRead + 1 : undefined;
}
