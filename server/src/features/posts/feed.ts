import { LIMITS } from '@caucus/shared/constants.ts';
import type { PageQuery, PostPage } from '@caucus/shared/schemas/posts.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import type { Db } from '#core/db.ts';
import { forbidden, notFound, unauthenticated } from '#core/errors.ts';
import { normalizeHashtag } from '#core/markdown.ts';
import { canReadGroupContent, canReadWall, canViewProfile, type MaybeViewer } from '#core/policy.ts';
import { activeGroupIds, loadGroupAccess } from '#features/groups/access.ts';
import { hashtagSkeleton, homeFeedSkeleton, type Queryable, type ReadableWalls, type SkeletonRow } from './feed-queries.ts';
import { loadPostsByIds } from './hydrate.ts';
import type { Keyset } from './queries.ts';
import { presentPostFor } from './present.ts';

/** The policy's answers for whole classes of walls, and the groups this viewer reads as a member. */
async function readableWalls(db: Db, viewer: MaybeViewer): Promise<ReadableWalls> {
  const memberGroups = viewer ? await loadGroupAccess(db, viewer.id, await activeGroupIds(db, viewer.id)) : new Map();
  const profile = (profileVisibility: 'public' | 'members', emailVerified: boolean) => canViewProfile(viewer, { id: '', profileVisibility, emailVerified });
  return {
    viewerId: viewer?.id ?? null,
    network: canReadWall(viewer, { wall: 'network' }),
    allPrivateGroups: canReadGroupContent(viewer, { visibility: 'private' }, null),
    allSecretGroups: canReadGroupContent(viewer, { visibility: 'secret' }, null),
    groupIds: [...memberGroups.values()].filter((group) => canReadGroupContent(viewer, group, group.membership)).map((group) => group.id),
    publicProfiles: profile('public', true),
    membersProfiles: profile('members', true),
    unverifiedProfiles: profile('members', false),
  };
}

export function createFeedService(deps: { db: Db; pool: Queryable }) {
  const { db, pool } = deps;

  type Skeleton = (after: Keyset | undefined, limit: number) => Promise<SkeletonRow[]>;

  async function page(viewer: MaybeViewer, query: PageQuery, after: Keyset | undefined, skeleton: Skeleton): Promise<PostPage> {
    const limit = query.limit ?? LIMITS.pageSizeDefault;
    const { items, nextCursor } = paginate(await skeleton(after, limit), limit, (row) => [row.sort_key, row.id]);
    // The skeleton's SQL already kept to what the viewer may read; the rules run again on what loaded.
    const posts = await loadPostsByIds(db, viewer, items.map((row) => row.id));
    return { posts: posts.map((post) => presentPostFor(post, viewer)), nextCursor };
  }

  return {
    /** The network wall, the member's groups, and the members they follow where they may read them: newest first. */
    async home(viewer: MaybeViewer, query: PageQuery): Promise<PostPage> {
      if (!viewer) throw unauthenticated();
      if (!canReadWall(viewer, { wall: 'network' })) throw forbidden('Confirm your e-mail address to see your feed.');
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      return page(viewer, query, after, (keyset, limit) => homeFeedSkeleton(db, pool, viewer.id, keyset, limit));
    },

    /**
     * A hashtag's posts that this viewer may read, newest first. A tag with none that they may read
     * is a 404, whether or not others may: the answer does not tell that hidden posts carry it.
     */
    async hashtag(viewer: MaybeViewer, tag: string, query: PageQuery): Promise<PostPage> {
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const readable = await readableWalls(db, viewer);
      const answer = await page(viewer, query, after, (keyset, limit) => hashtagSkeleton(db, normalizeHashtag(tag), readable, keyset, limit));
      if (!after && answer.posts.length === 0 && answer.nextCursor === null) throw notFound('This hashtag');
      return answer;
    },
  };
}
