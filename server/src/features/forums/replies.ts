import type { CreateReplyBody, ForumPost } from '@caucus/shared/schemas/forums.ts';
import { AppError, fieldError, forbidden, notFound } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { canDeleteForumPost, canEditOwn, canModerateForum, canReadCategory, canReplyInThread, type Viewer } from '#core/policy.ts';
import { hitRateLimit } from '#core/rate-limit.ts';
import { storeNotifications } from '#features/notifications/notify.ts';
import { prepareText } from '#features/posts/text.ts';
import { visibleForum } from './categories.ts';
import type { ForumsDeps } from './deps.ts';
import { forumRooms } from './live.ts';
import { forumNotices } from './notices.ts';
import { presentForumPost, presentForumPostFor } from './present.ts';
import * as q from './queries.ts';
import { accessOf, contextOf, type ForumContext } from './scope.ts';
import { forumPostStatement, threadPageStatement, threadStatement, type ForumPostRow, type ThreadRow } from './statements.ts';

const closedThread = () => new AppError(409, 'thread_closed', 'This thread is closed: it takes no more replies.');
const archivedThread = () => new AppError(409, 'thread_archived', 'This thread is archived: it can be read, no longer answered.');
const slowMode = (seconds: number) => new AppError(429, 'slow_mode', `This thread is in slow mode: one reply every ${seconds} seconds per member. Try again in a moment.`);

export function createRepliesService(deps: ForumsDeps) {
  const { db, events } = deps;

  /** A post this viewer may read, with its thread and forum; anything else is the same 404. */
  async function readablePost(viewer: Viewer, postId: string): Promise<{ post: ForumPostRow; thread: ThreadRow; forum: ForumContext }> {
    const loaded = await forumPostStatement(db, postId, viewer.id);
    const forum = loaded ? contextOf(loaded.thread) : undefined;
    if (!loaded || !forum || !canReadCategory(viewer, visibleForum(viewer, forum, 'This post').subject, accessOf(loaded.thread))) throw notFound('This post');
    return { ...loaded, forum };
  }

  /** After a change: the post as it now is, to the thread's readers (when its category has no narrower readers). */
  function publish(thread: ThreadRow, forum: ForumContext, post: ForumPostRow): void {
    if (thread.read_access === 'members') events.publish('forum.post.updated', { post: presentForumPost(post) }, forumRooms(forum));
  }

  return {
    async reply(viewer: Viewer, threadId: string, body: CreateReplyBody): Promise<ForumPost> {
      const thread = await threadStatement(db, threadId, viewer.id);
      const forum = thread ? contextOf(thread) : undefined;
      if (!thread || !forum || !canReadCategory(viewer, visibleForum(viewer, forum, 'This thread').subject, accessOf(thread))) throw notFound('This thread');
      const mayModerate = canModerateForum(viewer, forum.subject);
      if (!canReplyInThread(viewer, forum.subject, accessOf(thread), { closed: false })) {
        throw new AppError(403, 'not_allowed_in_thread', forum.subject.forum === 'group' && thread.reply_access === 'members'
          ? 'Only the active members of this group may reply in its forum.'
          : 'Replies in this category are kept to its moderators.');
      }
      if (thread.archived_at !== null) throw archivedThread();
      if (thread.closed_at !== null && !mayModerate) throw closedThread();
      await hitRateLimit(db, deps.rateRules.reply, viewer.id);
      const text = await prepareText(db, body.body);
      const postId = newId();
      const taken = await db.transaction().execute(async (tx) => {
        // The quote first: a bad one refuses the reply before it takes a number.
        const quoteOf = body.quoteOf === undefined ? null : await q.livePostAt(tx, threadId, body.quoteOf);
        if (quoteOf === undefined) throw fieldError(400, 'quoteOf', 'invalid_choice', 'The post you quote is not in this thread, or was deleted');
        const next = await q.takeNextPosition(tx, threadId, viewer.id);
        if (!next) throw notFound('This thread');
        // Closed, archived or slowed meanwhile: read under the thread's lock, so no reply slips past.
        if (next.archived) throw archivedThread();
        if (next.closed && !mayModerate) throw closedThread();
        if (next.slowModeSeconds && !mayModerate && await q.repliedWithin(tx, threadId, viewer.id, next.slowModeSeconds)) throw slowMode(next.slowModeSeconds);
        await q.insertReply(tx, { id: postId, threadId, position: next.position, authorId: viewer.id, body: text.body, html: text.html, quoteOf });
        await q.markRead(tx, viewer.id, threadId, next.position, 'tracking');
        const notices = await forumNotices(tx, { forum, access: accessOf(thread), threadId, postId }, text.mentioned.map((m) => m.id), viewer.id);
        return { ...next, stored: await storeNotifications(tx, notices) };
      });
      deps.notifications.deliver(taken.stored);
      await deps.categoryActivity.record(thread.category_id, { threads: 0, posts: 1 });
      const { posts } = await threadPageStatement(db, threadId, viewer.id, taken.position - 1, 1);
      const created = posts[0];
      if (!created) throw notFound('This thread');
      if (thread.read_access === 'members') {
        events.publish('forum.post.created', {
          post: presentForumPost(created), threadId, categoryId: thread.category_id, postCount: taken.position, lastPostAt: new Date(taken.lastPostAt).toISOString(),
        }, forumRooms(forum));
      }
      return presentForumPostFor(created, forum, viewer);
    },

    async editPost(viewer: Viewer, postId: string, source: string): Promise<ForumPost> {
      const { post, thread, forum } = await readablePost(viewer, postId);
      if (post.deleted_at !== null) throw notFound('This post');
      if (!canEditOwn(viewer, post.author_id)) throw forbidden('Only its author may edit a post.');
      const text = await prepareText(db, source);
      await db.transaction().execute((tx) => q.editPost(tx, postId, viewer.id, post.body, text.body, text.html));
      const edited = (await readablePost(viewer, postId)).post;
      publish(thread, forum, edited);
      return presentForumPostFor(edited, forum, viewer);
    },

    /** A post goes (its number stays, empty); the opening post takes its thread with it. */
    async deletePost(viewer: Viewer, postId: string): Promise<void> {
      const { post, thread, forum } = await readablePost(viewer, postId);
      if (post.deleted_at !== null) return;
      if (!canDeleteForumPost(viewer, post.author_id, forum.subject)) throw forbidden('Only its author or a moderator may delete a post.');
      const byModerator = post.author_id !== viewer.id;
      const wholeThread = post.position === 1;
      const lost = await db.transaction().execute(async (tx) => {
        const lost = wholeThread ? await q.livePostCount(tx, thread.id) : 1;
        if (wholeThread) await q.softDeleteThread(tx, thread.id);
        await q.softDeletePost(tx, postId);
        if (byModerator) {
          await q.logModeration(tx, {
            actorId: viewer.id, action: wholeThread ? 'thread.delete' : 'post.delete', subjectKind: wholeThread ? 'thread' : 'forum_post',
            subjectId: wholeThread ? thread.id : postId, groupId: forum.groupId, details: { authorId: post.author_id, threadId: thread.id, position: post.position },
          });
        }
        return lost;
      });
      await deps.categoryActivity.record(thread.category_id, { threads: wholeThread ? -1 : 0, posts: -lost });
      if (thread.read_access === 'members') events.publish('forum.post.deleted', { threadId: thread.id, postId }, forumRooms(forum));
    },
  };
}
