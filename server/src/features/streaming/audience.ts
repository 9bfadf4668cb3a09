import type { GroupVisibility } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import type { PublishedEvent } from '#core/events.ts';
import { canReadWall, type GroupMembershipRow, type ProfileSubject, type Viewer, type WallSubject } from '#core/policy.ts';
import { liveTokenViewers } from '#features/access-tokens/service.ts';
import * as q from './queries.ts';

/** What a client streams: its home feed, or one group it may read. */
export type Stream = { kind: 'home' } | { kind: 'group'; groupId: string; slug: string };

/** An open stream as the audience rules see it. */
export interface Listener {
  memberId: string;
  tokenId: string;
  stream: Stream;
}

/** What an event is about, as far as who may receive it goes. `authorId` is the post's author. */
export type EventSubject =
  | { kind: 'personal'; memberIds: string[] }
  | { kind: 'wall'; wall: 'network'; authorId: string | null }
  | { kind: 'wall'; wall: 'group'; groupId: string; authorId: string | null }
  | { kind: 'wall'; wall: 'profile'; profileId: string; authorId: string | null };

const USER_ROOM_PREFIX = 'user:';

async function subjectOfPost(db: DbOrTx, postId: string): Promise<EventSubject | null> {
  const row = await q.findPostWallIncludingDeleted(db, postId);
  if (!row) return null;
  if (row.wall === 'group' && row.group_id) return { kind: 'wall', wall: 'group', groupId: row.group_id, authorId: row.author_id };
  if (row.wall === 'profile' && row.profile_id) return { kind: 'wall', wall: 'profile', profileId: row.profile_id, authorId: row.author_id };
  if (row.wall === 'network') return { kind: 'wall', wall: 'network', authorId: row.author_id };
  return null;
}

/** Unknown events, and posts whose wall cannot be told, are streamed to nobody: fail closed. */
export async function resolveSubject(db: DbOrTx, event: PublishedEvent): Promise<EventSubject | null> {
  switch (event.name) {
    case 'post.created':
    case 'post.updated': {
      const { post } = event.payload as PublishedEvent<'post.created'>['payload'];
      if (post.wall.kind === 'network') return { kind: 'wall', wall: 'network', authorId: post.author.id };
      if (post.wall.kind === 'group' && post.wall.group) return { kind: 'wall', wall: 'group', groupId: post.wall.group.id, authorId: post.author.id };
      if (post.wall.kind === 'profile' && post.wall.profile) return { kind: 'wall', wall: 'profile', profileId: post.wall.profile.id, authorId: post.author.id };
      return null;
    }
    case 'post.deleted':
    case 'comment.deleted':
    case 'reaction.changed':
      return subjectOfPost(db, (event.payload as { postId: string }).postId);
    case 'comment.created':
    case 'comment.updated':
      return subjectOfPost(db, (event.payload as PublishedEvent<'comment.created'>['payload']).comment.postId);
    case 'group.members':
      return { kind: 'wall', wall: 'group', groupId: (event.payload as PublishedEvent<'group.members'>['payload']).groupId, authorId: null };
    case 'notification.created':
    case 'notifications.read': {
      // A member's own notifications are published to their room only.
      const memberIds = event.rooms.filter((room) => room.startsWith(USER_ROOM_PREFIX)).map((room) => room.slice(USER_ROOM_PREFIX.length));
      return memberIds.length > 0 ? { kind: 'personal', memberIds } : null;
    }
    default:
      return null;
  }
}

/** Whether the event is the kind of thing this stream carries, before asking who may read it. */
function concerns(listener: Listener, subject: EventSubject): boolean {
  if (subject.kind === 'personal') return listener.stream.kind === 'home' && subject.memberIds.includes(listener.memberId);
  if (listener.stream.kind === 'home') return true;
  return subject.wall === 'group' && subject.groupId === listener.stream.groupId;
}

export interface Verdict<L extends Listener> {
  deliver: L[];
  /** Their token is gone (revoked, or its member erased): close them. */
  revoked: L[];
  /** Group streams whose reader may no longer read the group (removed, banned, group made secret, group deleted). */
  lostGroup: L[];
}

/**
 * Who among these listeners receives the event, decided now, with the policy module, on fresh
 * state: the token and its member, the group and their membership, whom they follow. A fixed
 * number of queries per event, whatever the number of listeners.
 */
export async function decideAudience<L extends Listener>(db: DbOrTx, event: PublishedEvent, listeners: readonly L[]): Promise<Verdict<L>> {
  const verdict: Verdict<L> = { deliver: [], revoked: [], lostGroup: [] };
  if (listeners.length === 0) return verdict;
  const subject = await resolveSubject(db, event);
  if (!subject) return verdict;
  const candidates = listeners.filter((listener) => concerns(listener, subject));
  if (candidates.length === 0) return verdict;

  const viewers = await liveTokenViewers(db, candidates.map((listener) => listener.tokenId));
  const present = candidates.filter((listener) => {
    if (viewers.has(listener.tokenId)) return true;
    verdict.revoked.push(listener);
    return false;
  });
  const memberIds = [...new Set(present.map((listener) => listener.memberId))];
  const homeMemberIds = [...new Set(present.filter((listener) => listener.stream.kind === 'home').map((listener) => listener.memberId))];
  const wall = subject.kind === 'wall' ? subject : null;
  const [group, followers, profile] = await Promise.all([
    wall?.wall === 'group' ? q.loadGroupAudience(db, wall.groupId, memberIds) : undefined,
    wall && wall.wall !== 'network' && wall.authorId ? q.loadFollowersAmong(db, wall.authorId, homeMemberIds) : new Set<string>(),
    wall?.wall === 'profile' ? q.loadProfileSubject(db, wall.profileId) : undefined,
  ]);

  for (const listener of present) {
    const viewer = viewers.get(listener.tokenId)!;
    if (subject.kind === 'personal') {
      verdict.deliver.push(listener);
      continue;
    }
    const membership = group?.memberships.get(viewer.id) ?? null;
    const wallSubject = toWallSubject(subject, group?.visibility, membership, profile);
    if (!wallSubject || !canReadWall(viewer, wallSubject)) {
      if (listener.stream.kind === 'group') verdict.lostGroup.push(listener);
      continue;
    }
    if (listener.stream.kind === 'group' || isInHomeFeed(subject, viewer, membership, group?.visibility, followers)) verdict.deliver.push(listener);
  }
  return verdict;
}

function toWallSubject(subject: Extract<EventSubject, { kind: 'wall' }>, visibility: GroupVisibility | undefined, membership: GroupMembershipRow, profile: ProfileSubject | undefined): WallSubject | null {
  switch (subject.wall) {
    case 'network': return { wall: 'network' };
    case 'group': return visibility ? { wall: 'group', group: { visibility }, membership } : null;
    case 'profile': return profile ? { wall: 'profile', profile, ownerFollowsViewer: false } : null;
  }
}

/**
 * The home feed, as the feed's query draws it (posts/feed-queries.ts): the network wall, the
 * groups one is active in, and the posts of the members one follows (and one's own) on profile
 * walls and in public groups.
 */
function isInHomeFeed(subject: Extract<EventSubject, { kind: 'wall' }>, viewer: Viewer, membership: GroupMembershipRow, visibility: GroupVisibility | undefined, followers: Set<string>): boolean {
  if (subject.wall === 'network') return true;
  if (subject.wall === 'group' && membership?.state === 'active') return true;
  const followsAuthor = subject.authorId !== null && (subject.authorId === viewer.id || followers.has(viewer.id));
  return followsAuthor && (subject.wall === 'profile' || visibility === 'public');
}
