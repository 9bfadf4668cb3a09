import { LIMITS } from '@caucus/shared/constants.ts';
import type { Comment, CommentBody, CommentPage, PageQuery } from '@caucus/shared/schemas/posts.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import type { DbOrTx } from '#core/db.ts';
import { AppError, fieldError, forbidden, notFound } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { canDeleteOnWall, canEditOwn, canReadWall, canRespondOnWall, type MaybeViewer, type Viewer } from '#core/policy.ts';
import { hitRateLimit } from '#core/rate-limit.ts';
import { storeNotifications, type NotificationInput } from '#features/notifications/notify.ts';
import * as cq from './comment-queries.ts';
import { authorOf, loadWalls, readableHydrated, type WallInfo } from './hydrate.ts';
import { hydratedPosts, idsSkeleton, type HydratedRow } from './read-statement.ts';
import { presentImageColumn as presentImage } from '#features/media/service.ts';
import { mentionNotices, type PostsDeps } from './notices.ts';
import { audienceRooms, presentComment, presentCommentFor, type Authors } from './present.ts';
import * as q from './queries.ts';
import { newlyMentioned, prepareText } from './text.ts';

async function authorsOf(db: DbOrTx, ids: readonly string[]): Promise<Authors> {
  const rows = await q.membersByIds(db, ids);
  return new Map(rows.map((row) => [row.id, authorOf(row)]));
}

export function createCommentsService(deps: PostsDeps) {
  const { db, events, notifications } = deps;

  /** The post (locked when `tx` writes), its wall, and a 404 unless the viewer may read it. */
  async function readablePost(conn: DbOrTx, viewer: MaybeViewer, postId: string, lock: boolean): Promise<{ row: q.PostRow; wall: WallInfo }> {
    const row = lock ? await q.postForUpdate(conn, postId) : await q.postById(conn, postId);
    const wall = row ? (await loadWalls(conn, viewer, [row]))(row) : undefined;
    if (!row || !wall || !canReadWall(viewer, wall.subject)) throw notFound('This post');
    return { row, wall };
  }

  /** A live comment on a post the viewer may read, both locked for the write (the post first, as everywhere). */
  async function lockComment(tx: DbOrTx, viewer: Viewer, commentId: string) {
    const found = await cq.commentById(tx, commentId);
    if (!found) throw notFound('This comment');
    const post = await readablePost(tx, viewer, found.post_id, true).catch(() => {
      throw notFound('This comment');
    });
    const comment = await cq.commentForUpdate(tx, commentId);
    if (!comment) throw notFound('This comment');
    return { comment, ...post };
  }

  async function publishComment(viewer: Viewer, commentId: string, post: { row: q.PostRow; wall: WallInfo }, event: 'comment.created' | 'comment.updated', commentCount: number): Promise<Comment> {
    const row = await cq.commentAsStored(db, commentId);
    const authors = await authorsOf(db, [row.author_id]);
    const shared = presentComment(row, authors);
    if (!shared) throw notFound('This comment');
    const rooms = audienceRooms(post.row, post.wall.subject);
    if (event === 'comment.created') events.publish(event, { comment: shared, commentCount }, rooms);
    else events.publish(event, { comment: shared }, rooms);
    return presentCommentFor(row, authors, viewer, post.wall.subject)!;
  }

  return {
    async list(viewer: MaybeViewer, postId: string, query: PageQuery): Promise<CommentPage> {
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      // One statement: the post (for the policy) and a page of its comments with their replies and authors.
      const { rows } = await hydratedPosts(idsSkeleton([postId]), viewer?.id ?? null, cq.commentPageColumn(after, limit)).execute(db);
      const row = rows[0] as (HydratedRow & { comments: cq.CommentJson[] | null }) | undefined;
      const [post] = row ? readableHydrated(viewer, [row]) : [];
      if (!row || !post) throw notFound('This post');
      const { items, nextCursor } = paginate(row.comments ?? [], limit, (comment) => [comment.sort_key, comment.id]);
      const authors: Authors = new Map();
      const stored = (comment: cq.CommentJson): cq.CommentRow => {
        authors.set(comment.author_id, { id: comment.author_id, handle: comment.a_handle, displayName: comment.a_display_name, ...(comment.a_avatar ? { avatar: presentImage(comment.a_avatar)! } : {}) });
        return { ...comment, created_at: new Date(comment.created_at), edited_at: comment.edited_at === null ? null : new Date(comment.edited_at), deleted_at: comment.deleted_at === null ? null : new Date(comment.deleted_at) };
      };
      const present = (comment: cq.CommentJson) => presentCommentFor(stored(comment), authors, viewer, post.wall.subject);
      return {
        threads: items.flatMap((comment) => {
          const shown = present(comment);
          return shown ? [{ comment: shown, replies: (comment.replies ?? []).flatMap((reply) => present(reply) ?? []) }] : [];
        }),
        nextCursor,
      };
    },

    async create(viewer: Viewer, postId: string, body: CommentBody): Promise<Comment> {
      // Who may comment is checked before the rate limit counts the attempt.
      const before = await readablePost(db, viewer, postId, false);
      if (!canRespondOnWall(viewer, before.wall.subject)) throw forbidden('Only the members of this wall may comment here.');
      await hitRateLimit(db, deps.rateRules.comment, viewer.id);
      const text = await prepareText(db, body.body);
      const id = newId();
      const { stored, post, commentCount } = await db.transaction().execute(async (tx) => {
        const post = await readablePost(tx, viewer, postId, true);
        if (!canRespondOnWall(viewer, post.wall.subject)) throw forbidden('Only the members of this wall may comment here.');
        const parentId = body.parentId ?? null;
        let parentAuthor: string | null = null;
        if (parentId) {
          const parent = await cq.commentById(tx, parentId);
          if (!parent) throw fieldError(400, 'parentId', 'not_found', 'The comment you answer does not exist any more');
          if (parent.post_id !== postId) throw fieldError(400, 'parentId', 'invalid_input', 'The comment you answer belongs to another post');
          if (parent.parent_id !== null) throw new AppError(400, 'reply_depth', 'Replies have one level: answer the first comment of the thread instead.', { parentId: { code: 'reply_depth', message: 'Answer the first comment of the thread' } });
          parentAuthor = parent.author_id;
        }
        await cq.insertComment(tx, { id, post_id: postId, parent_id: parentId, author_id: viewer.id, body: text.body, body_html: text.html });
        const counts = await q.adjustCounts(tx, postId, { comments: 1 });
        const where = { postId, commentId: id, ...(post.row.group_id ? { groupId: post.row.group_id } : {}) };
        // One act notifies a person once: the reply first, then the comment on their post, then mentions.
        const notices: NotificationInput[] = [
          ...(parentAuthor ? [{ recipientId: parentAuthor, kind: 'reply' as const, actorId: viewer.id, ...where }] : []),
          { recipientId: post.row.author_id, kind: 'comment', actorId: viewer.id, ...where },
          ...(await mentionNotices(tx, text.mentioned, { groupId: post.row.group_id, subject: post.wall.subject, postId, commentId: id }, viewer.id)),
        ];
        return { stored: await storeNotifications(tx, notices), post, commentCount: counts.comment_count };
      });
      if (post.row.group_id) await deps.groupActivity.record(post.row.group_id, 0);
      notifications.deliver(stored);
      return publishComment(viewer, id, post, 'comment.created', commentCount);
    },

    async edit(viewer: Viewer, commentId: string, source: string): Promise<Comment> {
      const text = await prepareText(db, source);
      const { stored, post } = await db.transaction().execute(async (tx) => {
        const { comment, row, wall } = await lockComment(tx, viewer, commentId);
        if (!canEditOwn(viewer, comment.author_id)) throw forbidden('Only its author may edit a comment.');
        await cq.updateCommentBody(tx, commentId, text.body, text.html);
        const mentioned = await newlyMentioned(tx, text, comment.body);
        const notices = await mentionNotices(tx, mentioned, { groupId: row.group_id, subject: wall.subject, postId: row.id, commentId }, viewer.id);
        return { stored: await storeNotifications(tx, notices), post: { row, wall } };
      });
      notifications.deliver(stored);
      return publishComment(viewer, commentId, post, 'comment.updated', post.row.comment_count);
    },

    async remove(viewer: Viewer, commentId: string): Promise<void> {
      const { row, wall, commentCount } = await db.transaction().execute(async (tx) => {
        const { comment, row, wall } = await lockComment(tx, viewer, commentId);
        if (!canDeleteOnWall(viewer, comment.author_id, wall.subject)) throw forbidden('Only its author or a moderator may delete this comment.');
        await cq.softDeleteComment(tx, commentId);
        const counts = await q.adjustCounts(tx, row.id, { comments: -1 });
        return { row, wall, commentCount: counts.comment_count };
      });
      events.publish('comment.deleted', { postId: row.id, commentId, commentCount }, audienceRooms(row, wall.subject));
    },
  };
}
