import { LIMITS, type ThreadLevel } from '@caucus/shared/constants.ts';
import type { BookmarkList, ThreadListQuery } from '@caucus/shared/schemas/forums.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import type { Db } from '#core/db.ts';
import { canReadCategory, isMember, type Viewer } from '#core/policy.ts';
import { notFound, unauthenticated } from '#core/errors.ts';
import { visibleForum } from './categories.ts';
import { presentForumPostFor } from './present.ts';
import * as q from './queries.ts';
import { accessOf, contextOf } from './scope.ts';
import { bookmarksStatement, forumPostStatement, threadStatement } from './statements.ts';

// What a member keeps for themselves in the forums: how they follow each thread, and bookmarks.
// Both only on what they may read; a bookmark of a post they may no longer read drops out of the list.

export function createFollowingService(deps: { db: Db }) {
  const { db } = deps;
  const member = (viewer: Viewer) => {
    if (!isMember(viewer)) throw unauthenticated();
  };

  return {
    async setLevel(viewer: Viewer, threadId: string, level: ThreadLevel): Promise<{ level: ThreadLevel }> {
      member(viewer);
      const row = await threadStatement(db, threadId, viewer.id);
      const forum = row ? contextOf(row) : undefined;
      if (!row || !forum || !canReadCategory(viewer, visibleForum(viewer, forum, 'This thread').subject, accessOf(row))) throw notFound('This thread');
      await q.setThreadLevel(db, viewer.id, threadId, level === 'normal' ? null : level);
      return { level };
    },

    async setBookmark(viewer: Viewer, postId: string, bookmarked: boolean): Promise<void> {
      member(viewer);
      const loaded = await forumPostStatement(db, postId, viewer.id);
      const forum = loaded ? contextOf(loaded.thread) : undefined;
      if (!loaded || !forum || loaded.post.deleted_at !== null || !canReadCategory(viewer, visibleForum(viewer, forum, 'This post').subject, accessOf(loaded.thread))) {
        throw notFound('This post');
      }
      if (bookmarked) await db.insertInto('forum_bookmarks').values({ member_id: viewer.id, post_id: postId }).onConflict((oc) => oc.doNothing()).execute();
      else await db.deleteFrom('forum_bookmarks').where('member_id', '=', viewer.id).where('post_id', '=', postId).execute();
    },

    async bookmarks(viewer: Viewer, query: ThreadListQuery): Promise<BookmarkList> {
      member(viewer);
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const rows = await bookmarksStatement(db, viewer.id, after, limit);
      const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.id]);
      return {
        bookmarks: items.flatMap((row) => {
          const forum = contextOf(row.thread_row);
          if (!forum || !canReadCategory(viewer, forum.subject, accessOf(row.thread_row))) return [];
          return [{ bookmarkedAt: new Date(row.bookmarked_at).toISOString(), thread: { id: row.thread_row.id, title: row.thread_row.title }, post: presentForumPostFor(row, forum, viewer) }];
        }),
        nextCursor,
      };
    },
  };
}
