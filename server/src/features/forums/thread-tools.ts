import type { SplitThreadBody, Thread } from '@caucus/shared/schemas/forums.ts';
import { AppError, fieldError, forbidden, notFound } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { canModerateForum, canMoveThreadTo, canReadCategory, widensReaders, type Viewer } from '#core/policy.ts';
import { visibleForum } from './categories.ts';
import type { ForumsDeps } from './deps.ts';
import { presentThread } from './present.ts';
import * as q from './queries.ts';
import { accessOf, contextOf, type ForumContext } from './scope.ts';
import { threadStatement, type ThreadRow } from './statements.ts';

// The moderators' tools that reshape threads: archive, slow mode, move, merge, split. Each is a
// policy decision and each use is written to the moderation log with its reason.

const exposes = () => new AppError(409, 'would_expose', 'This would show posts of a category kept to fewer readers to more of them: choose a category read by the same people, or fewer.');

export function createThreadToolsService(deps: ForumsDeps) {
  const { db } = deps;

  async function moderated(viewer: Viewer, threadId: string): Promise<{ row: ThreadRow; forum: ForumContext }> {
    const row = await threadStatement(db, threadId, viewer.id);
    const forum = row ? contextOf(row) : undefined;
    if (!row || !forum || !canReadCategory(viewer, visibleForum(viewer, forum, 'This thread').subject, accessOf(row))) throw notFound('This thread');
    if (!canModerateForum(viewer, forum.subject)) throw forbidden("Only this forum's moderators may do this.");
    return { row, forum };
  }

  /** A category of the same forum that this moderator may move threads into; why not, otherwise. */
  async function destination(viewer: Viewer, forum: ForumContext, categoryId: string) {
    const category = await q.categoryWithScope(db, categoryId, viewer.id);
    if (!category || category.group_id !== forum.groupId || !canReadCategory(viewer, forum.subject, accessOf(category))) {
      throw fieldError(400, 'categoryId', 'invalid_choice', 'Choose a category of this forum');
    }
    if (!canMoveThreadTo(viewer, forum.subject, accessOf(category))) {
      throw new AppError(403, 'not_allowed_in_category', 'You may not start threads in that category, so you may not move one there.');
    }
    return category;
  }

  async function reloaded(viewer: Viewer, threadId: string): Promise<Thread> {
    const row = await threadStatement(db, threadId, viewer.id);
    const forum = row ? contextOf(row) : undefined;
    if (!row || !forum) throw notFound('This thread');
    return presentThread(row, forum, viewer);
  }

  const log = (viewer: Viewer, forum: ForumContext, action: string, threadId: string, reason: string | undefined, details: Record<string, unknown>) =>
    ({ actorId: viewer.id, action, subjectKind: 'thread', subjectId: threadId, groupId: forum.groupId, reason: reason ?? null, details });

  return {
    async setArchived(viewer: Viewer, threadId: string, archived: boolean): Promise<Thread> {
      const { forum } = await moderated(viewer, threadId);
      await db.transaction().execute(async (tx) => {
        await q.setThreadArchived(tx, threadId, archived);
        await q.logModeration(tx, log(viewer, forum, archived ? 'thread.archive' : 'thread.unarchive', threadId, undefined, {}));
      });
      return reloaded(viewer, threadId);
    },

    async setSlowMode(viewer: Viewer, threadId: string, seconds: number | null): Promise<Thread> {
      const { row, forum } = await moderated(viewer, threadId);
      await db.transaction().execute(async (tx) => {
        await q.setSlowMode(tx, threadId, seconds);
        await q.logModeration(tx, log(viewer, forum, 'thread.slow_mode', threadId, undefined, { seconds, before: row.slow_mode_seconds }));
      });
      return reloaded(viewer, threadId);
    },

    async move(viewer: Viewer, threadId: string, categoryId: string, reason?: string): Promise<Thread> {
      const { row, forum } = await moderated(viewer, threadId);
      const target = await destination(viewer, forum, categoryId);
      if (target.id === row.category_id) return reloaded(viewer, threadId);
      const live = await db.transaction().execute(async (tx) => {
        const [locked] = await q.lockThreads(tx, [threadId]);
        if (!locked) throw notFound('This thread');
        await q.moveThread(tx, threadId, target.id);
        await q.logModeration(tx, log(viewer, forum, 'thread.move', threadId, reason, { from: row.category_id, to: target.id, fromRead: row.read_access, toRead: target.read_access }));
        return q.livePostCount(tx, threadId);
      });
      await deps.categoryActivity.record(row.category_id, { threads: -1, posts: -live });
      await deps.categoryActivity.record(target.id, { threads: 1, posts: live });
      return reloaded(viewer, threadId);
    },

    /** The source's posts follow the target's; the source's address leads to the target from now on. */
    async merge(viewer: Viewer, sourceId: string, targetId: string, reason?: string): Promise<Thread> {
      if (sourceId === targetId) throw fieldError(400, 'intoThreadId', 'invalid_choice', 'Choose another thread to merge this one into');
      const source = await moderated(viewer, sourceId);
      const targetRow = await threadStatement(db, targetId, viewer.id);
      const targetForum = targetRow ? contextOf(targetRow) : undefined;
      if (!targetRow || !targetForum || targetForum.groupId !== source.forum.groupId || !canReadCategory(viewer, source.forum.subject, accessOf(targetRow))) {
        throw fieldError(400, 'intoThreadId', 'invalid_choice', 'Choose a thread of this forum');
      }
      if (widensReaders(source.row.read_access, targetRow.read_access)) throw exposes();
      const result = await db.transaction().execute(async (tx) => {
        const locked = await q.lockThreads(tx, [sourceId, targetId]);
        const target = locked.find((thread) => thread.id === targetId);
        if (locked.length !== 2 || !target) throw notFound('This thread');
        const merged = await q.mergeThreads(tx, sourceId, targetId, target.post_count);
        await q.logModeration(tx, log(viewer, source.forum, 'thread.merge', sourceId, reason, { into: targetId, posts: merged.moved }));
        return merged;
      });
      await deps.categoryActivity.record(source.row.category_id, { threads: -1, posts: -result.live });
      await deps.categoryActivity.record(targetRow.category_id, { threads: 0, posts: result.live });
      return reloaded(viewer, targetId);
    },

    /** Posts of a thread off into a new one (in the same category unless told otherwise). */
    async split(viewer: Viewer, threadId: string, body: SplitThreadBody): Promise<Thread> {
      const { row, forum } = await moderated(viewer, threadId);
      const target = body.categoryId ? await destination(viewer, forum, body.categoryId) : { id: row.category_id, read_access: row.read_access };
      if (widensReaders(row.read_access, target.read_access)) throw exposes();
      const title = body.title.replace(/\s+/g, ' ').trim();
      const newThreadId = newId();
      const result = await db.transaction().execute(async (tx) => {
        const [locked] = await q.lockThreads(tx, [threadId]);
        if (!locked) throw notFound('This thread');
        const present = await tx.selectFrom('forum_posts').select('position').where('thread_id', '=', threadId).where('position', 'in', body.positions).execute();
        const missing = body.positions.filter((position) => !present.some((post) => post.position === position));
        if (missing.length > 0) throw fieldError(400, 'positions', 'invalid_choice', `No post ${missing.map((n) => `#${n}`).join(', ')} in this thread`);
        const split = await q.splitThread(tx, threadId, body.positions, { id: newThreadId, categoryId: target.id, groupId: forum.groupId, title });
        await q.logModeration(tx, log(viewer, forum, 'thread.split', threadId, body.reason, { into: newThreadId, positions: [...body.positions].sort((a, b) => a - b) }));
        return split;
      });
      await deps.categoryActivity.record(row.category_id, { threads: 0, posts: -result.live });
      await deps.categoryActivity.record(target.id, { threads: 1, posts: result.live });
      return reloaded(viewer, newThreadId);
    },
  };
}
