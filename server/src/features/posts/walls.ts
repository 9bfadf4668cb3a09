import { LIMITS } from '@caucus/shared/constants.ts';
import type { PageQuery, Post, PostPage, PostWall } from '@caucus/shared/schemas/posts.ts';
import type { DbOrTx } from '#core/db.ts';
import { AppError, forbidden, notFound, unauthenticated } from '#core/errors.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import { newId } from '#core/ids.ts';
import {
  canDeleteOnWall, canEditOwn, canPinOnWall, canPostOnWall, canReadWall, canSeeGroup, canViewProfile, type MaybeViewer, type Viewer, type WallSubject,
} from '#core/policy.ts';
import { hitRateLimit } from '#core/rate-limit.ts';
import { storeNotifications } from '#features/notifications/notify.ts';
import { loadGroupAccessBySlug, type GroupAccess } from '#features/groups/access.ts';
import { attachImagesToPost, loadPostImages } from '#features/media/service.ts';
import { authorOf, loadPostsByIds, loadWalls, readableHydrated, type LoadedPost, type WallInfo } from './hydrate.ts';
import { mentionNotices, type PostsDeps } from './notices.ts';
import { audienceRooms, presentPost, presentPostFor } from './present.ts';
import * as q from './queries.ts';
import { newlyMentioned, prepareText } from './text.ts';
import { wallPageStatement, type WallRow, type WallTarget } from './wall-queries.ts';

/** A wall shows at most this many pinned posts above the others. */
export const PINNED_MAX = 5;

export type { WallTarget } from './wall-queries.ts';

/** The policy's subject for a wall that loaded, or undefined when this viewer may not know of it (the same 404 as a missing one). */
function visibleWall(viewer: MaybeViewer, wall: WallRow): WallSubject | undefined {
  if (wall.kind === 'network') return { wall: 'network' };
  if (wall.kind === 'group') {
    const membership = wall.state && wall.role ? { state: wall.state, role: wall.role } : null;
    return canSeeGroup(viewer, wall, membership) ? { wall: 'group', group: { visibility: wall.visibility }, membership } : undefined;
  }
  const profile = { id: wall.id, profileVisibility: wall.profile_visibility, emailVerified: wall.verified };
  return canViewProfile(viewer, profile) ? { wall: 'profile', profile, ownerFollowsViewer: wall.follows_viewer } : undefined;
}

interface ResolvedWall {
  ref: q.WallRef;
  /** The wall as a post's JSON shows it. */
  json: PostWall;
  /** The group with the viewer's membership, when the wall is a group's: hydration need not load it again. */
  group?: GroupAccess;
  subject: WallSubject;
  groupId: string | null;
  profileId: string | null;
}

export function createWallsService(deps: PostsDeps) {
  const { db, events, notifications } = deps;

  /** The wall and what the policy needs of it; a group or profile this viewer may not know of is a 404. */
  async function resolveWall(viewer: MaybeViewer, target: WallTarget): Promise<ResolvedWall> {
    if (target.kind === 'network') return { ref: { kind: 'network' }, json: { kind: 'network' }, subject: { wall: 'network' }, groupId: null, profileId: null };
    if (target.kind === 'group') {
      const group = await loadGroupAccessBySlug(db, viewer?.id ?? null, target.slug);
      if (!group || !canSeeGroup(viewer, group, group.membership)) throw notFound('This group');
      const json: PostWall = { kind: 'group', group: { id: group.id, slug: group.slug, name: group.name, visibility: group.visibility } };
      return { ref: { kind: 'group', groupId: group.id }, json, group, subject: { wall: 'group', group, membership: group.membership }, groupId: group.id, profileId: null };
    }
    const owner = await q.memberByHandle(db, target.handle);
    const profile = owner ? { id: owner.id, profileVisibility: owner.profile_visibility, emailVerified: owner.email_verified_at !== null } : undefined;
    if (!owner || !profile || !canViewProfile(viewer, profile)) throw notFound('This profile');
    const followsViewer = viewer ? (await q.ownersFollowing(db, [owner.id], viewer.id)).has(owner.id) : false;
    const json: PostWall = { kind: 'profile', profile: { id: owner.id, handle: owner.handle, displayName: owner.display_name } };
    return { ref: { kind: 'profile', profileId: owner.id }, json, subject: { wall: 'profile', profile, ownerFollowsViewer: followsViewer }, groupId: null, profileId: owner.id };
  }

  /** A post this viewer may read, with its wall, in one statement; anything else is the same 404. */
  async function readablePost(viewer: MaybeViewer, id: string): Promise<LoadedPost> {
    const [post] = await loadPostsByIds(db, viewer, [id]);
    if (!post) throw notFound('This post');
    return post;
  }

  /** Inside a write's transaction: the post locked, its wall, and a 404 unless the viewer may read it. */
  async function lockReadable(tx: DbOrTx, viewer: Viewer, id: string): Promise<{ row: q.PostRow; wall: WallInfo }> {
    const row = await q.postForUpdate(tx, id);
    const wall = row ? (await loadWalls(tx, viewer, [row]))(row) : undefined;
    if (!row || !wall || !canReadWall(viewer, wall.subject)) throw notFound('This post');
    return { row, wall };
  }

  /** After commit: the post as it now is, to every reader of its wall, and to the caller with their rights. */
  async function reloadAndPublish(viewer: Viewer, id: string, event: 'post.updated'): Promise<Post> {
    const [post] = await loadPostsByIds(db, viewer, [id]);
    if (!post) throw notFound('This post');
    events.publish(event, { post: presentPost(post) }, audienceRooms(post.row, post.wall.subject));
    return presentPostFor(post, viewer);
  }

  return {
    async listWall(viewer: MaybeViewer, target: WallTarget, query: PageQuery): Promise<PostPage> {
      // A malformed cursor is the caller's mistake whatever the wall: say so first.
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      // One statement: the wall, its pinned posts, a page of the others. The rules run on what loaded.
      const loaded = await wallPageStatement(db, target, viewer?.id ?? null, after, limit, PINNED_MAX);
      const subject = loaded ? visibleWall(viewer, loaded.wall) : undefined;
      if (!loaded || !subject) throw notFound(target.kind === 'group' ? 'This group' : 'This profile');
      if (!canReadWall(viewer, subject)) {
        if (!viewer) throw unauthenticated();
        throw forbidden(subject.wall === 'group' ? 'Join this group to read its wall.' : 'Confirm your e-mail address to read this wall.');
      }
      const pinned = loaded.posts.filter((row) => row.part === 'pinned');
      const { items, nextCursor } = paginate(loaded.posts.filter((row) => row.part === 'page'), limit, (row) => [row.sort_key, row.id]);
      const present = (post: LoadedPost) => presentPostFor(post, viewer);
      return {
        ...(after ? {} : { pinned: readableHydrated(viewer, pinned).map(present) }),
        posts: readableHydrated(viewer, items).map(present),
        nextCursor,
        canPost: canPostOnWall(viewer, subject),
      };
    },

    async createPost(viewer: Viewer, target: WallTarget, source: string, imageIds: readonly string[] = []): Promise<Post> {
      const wall = await resolveWall(viewer, target);
      if (!canPostOnWall(viewer, wall.subject)) {
        throw new AppError(403, 'not_allowed_on_wall', wall.subject.wall === 'group'
          ? 'Only the active members of this group may post on its wall.'
          : wall.subject.wall === 'network' ? 'Only the campaign team may post on the network wall.' : 'Only this member and the people they follow may post on their wall.');
      }
      const [, authors] = await Promise.all([hitRateLimit(db, deps.rateRules.post, viewer.id), q.membersByIds(db, [viewer.id])]);
      const author = authors[0];
      if (!author) throw notFound('This account');
      const text = await prepareText(db, source);
      const { row, stored } = await db.transaction().execute(async (tx) => {
        const row = await q.insertPost(tx, {
          id: newId(), author_id: viewer.id, wall: wall.ref.kind, group_id: wall.groupId, profile_id: wall.profileId, body: text.body, body_html: text.html,
        });
        await attachImagesToPost(tx, viewer, row.id, imageIds);
        await q.replaceHashtags(tx, row.id, text.hashtags, false);
        const notices = await mentionNotices(tx, text.mentioned, { groupId: wall.groupId, subject: wall.subject, postId: row.id }, viewer.id);
        return { row, stored: await storeNotifications(tx, notices) };
      });
      if (wall.groupId) await deps.groupActivity.record(wall.groupId, 1);
      notifications.deliver(stored);
      // Everything a new post shows is known here but its images: no second read of the rest (a hot path).
      const created: LoadedPost = {
        row,
        author: authorOf(author),
        wall: { subject: wall.subject, json: wall.json },
        reactions: {},
        mine: null,
        images: imageIds.length > 0 ? (await loadPostImages(db, [row.id])).get(row.id) ?? [] : [],
      };
      events.publish('post.created', { post: presentPost(created) }, audienceRooms(row, wall.subject));
      return presentPostFor(created, viewer);
    },

    async getPost(viewer: MaybeViewer, id: string): Promise<Post> {
      return presentPostFor(await readablePost(viewer, id), viewer);
    },

    async editPost(viewer: Viewer, id: string, source: string): Promise<Post> {
      const text = await prepareText(db, source);
      const stored = await db.transaction().execute(async (tx) => {
        const { row, wall } = await lockReadable(tx, viewer, id);
        if (!canEditOwn(viewer, row.author_id)) throw forbidden('Only its author may edit a post.');
        await q.updatePostBody(tx, id, text.body, text.html);
        await q.replaceHashtags(tx, id, text.hashtags, true);
        const mentioned = await newlyMentioned(tx, text, row.body);
        return storeNotifications(tx, await mentionNotices(tx, mentioned, { groupId: row.group_id, subject: wall.subject, postId: id }, viewer.id));
      });
      notifications.deliver(stored);
      return reloadAndPublish(viewer, id, 'post.updated');
    },

    async deletePost(viewer: Viewer, id: string): Promise<void> {
      const { row, wall } = await db.transaction().execute(async (tx) => {
        const locked = await lockReadable(tx, viewer, id);
        if (!canDeleteOnWall(viewer, locked.row.author_id, locked.wall.subject)) throw forbidden('Only its author or a moderator may delete this post.');
        await q.softDeletePost(tx, id);
        return locked;
      });
      if (row.group_id) await deps.groupActivity.record(row.group_id, -1);
      events.publish('post.deleted', { postId: id, groupId: row.group_id }, audienceRooms(row, wall.subject));
    },

    async setPinned(viewer: Viewer, id: string, pinned: boolean): Promise<Post> {
      await db.transaction().execute(async (tx) => {
        const { row, wall } = await lockReadable(tx, viewer, id);
        if (!canPinOnWall(viewer, wall.subject)) throw forbidden('Only the organizers of this wall may pin or unpin its posts.');
        if (pinned && row.pinned_at === null) {
          const ref: q.WallRef = row.group_id ? { kind: 'group', groupId: row.group_id } : row.profile_id ? { kind: 'profile', profileId: row.profile_id } : { kind: 'network' };
          if ((await q.pinnedPosts(tx, ref, PINNED_MAX)).length >= PINNED_MAX) {
            throw new AppError(409, 'too_many', `A wall shows at most ${PINNED_MAX} pinned posts: unpin one first.`);
          }
        }
        if (pinned !== (row.pinned_at !== null)) await q.setPinned(tx, id, pinned);
      });
      return reloadAndPublish(viewer, id, 'post.updated');
    },
  };
}

export type WallsService = ReturnType<typeof createWallsService>;
