import type { Server } from 'socket.io';
import type { FollowState } from '@caucus/shared/schemas/posts.ts';
import type { Db } from '#core/db.ts';
import { AppError, notFound } from '#core/errors.ts';
import { rooms } from '#core/events.ts';
import { canFollow, canViewProfile, type MaybeViewer, type ProfileSubject, type Viewer } from '#core/policy.ts';
import * as q from './queries.ts';

/**
 * Following a member: their posts on profile walls and in public groups reach one's feed, and
 * one's open pages join their `author:<id>` room at once (and leave it on unfollow).
 */
export function createFollowsService(deps: { db: Db; io: Server }) {
  const { db, io } = deps;

  /** The profile as the policy sees it; unknown and not-for-you are the same 404. */
  async function subjectOf(viewer: MaybeViewer, handle: string): Promise<ProfileSubject> {
    const row = await q.profileSubjectByHandle(db, handle);
    const subject = row ? { id: row.id, profileVisibility: row.profile_visibility, emailVerified: row.email_verified_at !== null } : undefined;
    if (!subject || !canViewProfile(viewer, subject)) throw notFound('This profile');
    return subject;
  }

  async function stateOf(viewer: MaybeViewer, followeeId: string): Promise<FollowState> {
    const [following, followerCount] = await Promise.all([viewer ? q.isFollowing(db, viewer.id, followeeId) : false, q.followerCount(db, followeeId)]);
    return { following, followerCount };
  }

  return {
    async state(viewer: MaybeViewer, handle: string): Promise<FollowState> {
      return stateOf(viewer, (await subjectOf(viewer, handle)).id);
    },

    async follow(viewer: Viewer, handle: string): Promise<FollowState> {
      const subject = await subjectOf(viewer, handle);
      if (subject.id === viewer.id) throw new AppError(400, 'cannot_follow_self', 'You cannot follow yourself.');
      if (!canFollow(viewer, subject)) throw new AppError(403, 'forbidden', 'Confirm your e-mail address to follow members.');
      if (!(await q.insertFollow(db, viewer.id, subject.id))) throw new AppError(409, 'already_following', 'You already follow this member.');
      io.in(rooms.user(viewer.id)).socketsJoin(rooms.author(subject.id));
      return stateOf(viewer, subject.id);
    },

    async unfollow(viewer: Viewer, handle: string): Promise<FollowState> {
      const subject = await subjectOf(viewer, handle);
      if (!(await q.deleteFollow(db, viewer.id, subject.id))) throw new AppError(409, 'not_following', 'You do not follow this member.');
      io.in(rooms.user(viewer.id)).socketsLeave(rooms.author(subject.id));
      return stateOf(viewer, subject.id);
    },
  };
}
