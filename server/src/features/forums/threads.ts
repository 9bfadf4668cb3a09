import { LIMITS } from '@caucus/shared/constants.ts';
import type { CreateThreadBody, ReadPosition, Thread, ThreadList, ThreadListQuery, ThreadPage, ThreadPageQuery } from '@caucus/shared/schemas/forums.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import { AppError, fieldError, forbidden, notFound } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { canModerateForum, canReadCategory, canStartThread, type MaybeViewer, type Viewer } from '#core/policy.ts';
import { hitRateLimit } from '#core/rate-limit.ts';
import { storeNotifications } from '#features/notifications/notify.ts';
import { prepareText } from '#features/posts/text.ts';
import { assertReadableForum, visibleForum } from './categories.ts';
import type { ForumsDeps } from './deps.ts';
import { forumRooms } from './live.ts';
import { forumNotices } from './notices.ts';
import { presentCategory, presentForumPost, presentForumPostFor, presentSynthesis, presentThread, presentThreadSummary } from './present.ts';
import * as q from './queries.ts';
import { accessOf, contextOf, type ForumContext } from './scope.ts';
import { threadListStatement, threadPageStatement, threadStatement, type ForumRef, type ThreadRow } from './statements.ts';

/** At most this many threads pinned above a category's list. */
const PINNED_SHOWN = 10;

export function createThreadsService(deps: ForumsDeps) {
  const { db, events } = deps;

  /** A thread this viewer may read, with its forum; anything else is the same 404. */
  function readableThread(viewer: MaybeViewer, row: ThreadRow | null | undefined): { row: ThreadRow; forum: ForumContext } {
    const forum = row ? contextOf(row) : undefined;
    if (!row || !forum || !canReadCategory(viewer, visibleForum(viewer, forum, 'This thread').subject, accessOf(row))) throw notFound('This thread');
    return { row, forum };
  }

  async function moderatedThread(viewer: Viewer, threadId: string): Promise<{ row: ThreadRow; forum: ForumContext }> {
    const loaded = readableThread(viewer, await threadStatement(db, threadId, viewer.id));
    if (!canModerateForum(viewer, loaded.forum.subject)) throw forbidden("Only this forum's moderators may do this.");
    return loaded;
  }

  async function reloaded(viewer: Viewer, threadId: string): Promise<Thread> {
    const { row, forum } = readableThread(viewer, await threadStatement(db, threadId, viewer.id));
    return presentThread(row, forum, viewer);
  }

  return {
    async listThreads(viewer: MaybeViewer, ref: ForumRef, categorySlug: string, query: ThreadListQuery): Promise<ThreadList> {
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const loaded = await threadListStatement(db, ref, categorySlug, viewer?.id ?? null, after, limit, query.archived ?? false);
      const forum = visibleForum(viewer, loaded.category ? contextOf(loaded.category) : undefined, 'This category');
      assertReadableForum(viewer, forum);
      const category = loaded.category!;
      if (!canReadCategory(viewer, forum.subject, accessOf(category))) throw notFound('This category');
      // Threads pinned forum-wide come from other categories too: each is shown only where its own may be read.
      const pinned = loaded.threads.filter((row) => row.part === 'pinned'
        && canReadCategory(viewer, forum.subject, { read: row.t_read_access, start: 'members', reply: 'members' })).slice(0, PINNED_SHOWN);
      const { items, nextCursor } = paginate(loaded.threads.filter((row) => row.part === 'page'), limit, (row) => [row.sort_key, row.id]);
      return {
        scope: forum.scope,
        category: presentCategory(category, forum, viewer),
        ...(after ? {} : { pinned: pinned.map((row) => presentThreadSummary(row, viewer)) }),
        threads: items.map((row) => presentThreadSummary(row, viewer)),
        nextCursor,
      };
    },

    async createThread(viewer: Viewer, ref: ForumRef, categorySlug: string, body: CreateThreadBody): Promise<Thread> {
      const loaded = await threadListStatement(db, ref, categorySlug, viewer.id, undefined, 0);
      const forum = visibleForum(viewer, loaded.category ? contextOf(loaded.category) : undefined, 'This category');
      const category = loaded.category!;
      if (!canReadCategory(viewer, forum.subject, accessOf(category))) throw notFound('This category');
      if (!canStartThread(viewer, forum.subject, accessOf(category))) {
        throw new AppError(403, 'not_allowed_in_category', forum.subject.forum === 'group' && category.start_access === 'members'
          ? 'Only the active members of this group may start threads in its forum.'
          : 'Starting threads in this category is kept to its moderators.');
      }
      const title = body.title.replace(/\s+/g, ' ').trim();
      if (title.length < LIMITS.threadTitleMin) throw fieldError(400, 'title', 'too_short', `Give the thread a title of at least ${LIMITS.threadTitleMin} characters`, { min: LIMITS.threadTitleMin });
      await hitRateLimit(db, deps.rateRules.thread, viewer.id);
      const text = await prepareText(db, body.body);
      const threadId = newId();
      const postId = newId();
      const stored = await db.transaction().execute(async (tx) => {
        await q.insertThread(tx, { id: threadId, categoryId: category.id, groupId: forum.groupId, authorId: viewer.id, title }, { id: postId, body: text.body, html: text.html });
        return storeNotifications(tx, await forumNotices(tx, { forum, access: accessOf(category), threadId, postId }, text.mentioned.map((m) => m.id), viewer.id));
      });
      deps.notifications.deliver(stored);
      await deps.categoryActivity.record(category.id, { threads: 1, posts: 1 });
      const { thread, posts } = await threadPageStatement(db, threadId, viewer.id, 0, 1);
      const created = readableThread(viewer, thread);
      if (posts[0] && category.read_access === 'members') {
        events.publish('forum.post.created', {
          post: presentForumPost(posts[0]), threadId, categoryId: category.id, postCount: 1, lastPostAt: new Date(created.row.last_post_at).toISOString(),
        }, forumRooms(created.forum));
      }
      return presentThread(created.row, created.forum, viewer);
    },

    async threadPage(viewer: MaybeViewer, threadId: string, query: ThreadPageQuery): Promise<ThreadPage> {
      const limit = query.limit ?? LIMITS.threadPageSize;
      // "Jump to post N" is the page that holds it: pages start after multiples of the page size.
      const after = query.at !== undefined ? Math.floor((query.at - 1) / limit) * limit : (query.after ?? 0);
      let loaded = await threadPageStatement(db, threadId, viewer?.id ?? null, after, limit);
      // A merged thread's address leads to the thread it went into (whose id the answer carries).
      const mergedInto = loaded.thread ? null : await q.mergedInto(db, threadId);
      if (mergedInto) loaded = await threadPageStatement(db, mergedInto, viewer?.id ?? null, after, limit);
      const { row, forum } = readableThread(viewer, loaded.thread);
      const posts = loaded.posts.slice(0, limit);
      const last = posts[posts.length - 1];
      return {
        thread: presentThread(row, forum, viewer),
        synthesis: loaded.synthesis ? presentSynthesis(loaded.synthesis, forum, accessOf(row), viewer) : null,
        posts: posts.map((post) => presentForumPostFor(post, forum, viewer)),
        previousAfter: after > 0 ? Math.max(0, after - limit) : null,
        nextAfter: loaded.posts.length > limit && last ? last.position : null,
      };
    },

    async markRead(viewer: Viewer, threadId: string, position: number): Promise<ReadPosition> {
      readableThread(viewer, await threadStatement(db, threadId, viewer.id));
      return { lastReadPosition: await q.markRead(db, viewer.id, threadId, position) };
    },

    async setPinned(viewer: Viewer, threadId: string, where: 'category' | 'forum' | null): Promise<Thread> {
      const { row, forum } = await moderatedThread(viewer, threadId);
      await db.transaction().execute(async (tx) => {
        await q.setThreadPinned(tx, threadId, where);
        await q.logModeration(tx, { actorId: viewer.id, action: where ? 'thread.pin' : 'thread.unpin', subjectKind: 'thread', subjectId: threadId, groupId: forum.groupId, details: { where, before: row.pinned } });
      });
      return reloaded(viewer, threadId);
    },

    async setClosed(viewer: Viewer, threadId: string, closed: boolean): Promise<Thread> {
      const { forum } = await moderatedThread(viewer, threadId);
      await db.transaction().execute(async (tx) => {
        await q.setThreadClosed(tx, threadId, closed);
        await q.logModeration(tx, { actorId: viewer.id, action: closed ? 'thread.close' : 'thread.reopen', subjectKind: 'thread', subjectId: threadId, groupId: forum.groupId });
      });
      return reloaded(viewer, threadId);
    },
  };
}
