import { LIMITS } from '@caucus/shared/constants.ts';
import type { PageQuery, PostPage } from '@caucus/shared/schemas/posts.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import type { Db } from '#core/db.ts';
import { forbidden, notFound, unauthenticated } from '#core/errors.ts';
import { normalizeHashtag } from '#core/markdown.ts';
import { canReadGroupContent, canReadWall, canViewProfile, type MaybeViewer } from '#core/policy.ts';
import { hashtagSkeleton, homeFeedPage, type ReadableWalls } from './feed-queries.ts';
import { readableHydrated } from './hydrate.ts';
import type { Keyset } from './queries.ts';
import { presentPostFor } from './present.ts';
import { hydratedPosts, type HydratedRow } from './read-statement.ts';

/** The policy's answers for whole classes of walls, decided once per request, applied by the SQL set by set. */
function readableWalls(viewer: MaybeViewer): ReadableWalls {
  const profile = (profileVisibility: 'public' | 'members', emailVerified: boolean) => canViewProfile(viewer, { id: '', profileVisibility, emailVerified });
  return {
    viewerId: viewer?.id ?? null,
    network: canReadWall(viewer, { wall: 'network' }),
    allPrivateGroups: canReadGroupContent(viewer, { visibility: 'private' }, null),
    allSecretGroups: canReadGroupContent(viewer, { visibility: 'secret' }, null),
    activeMemberGroups: canReadGroupContent(viewer, { visibility: 'secret' }, { state: 'active', role: 'member' }),
    publicProfiles: profile('public', true),
    membersProfiles: profile('members', true),
    unverifiedProfiles: profile('members', false),
  };
}

/** Steps 3 and 4 on one statement's `limit + 1` rows: the cursor from what the SQL paged, the rules on what loaded. */
function toPage(viewer: MaybeViewer, rows: HydratedRow[], limit: number): PostPage {
  const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.id]);
  return { posts: readableHydrated(viewer, items).map((post) => presentPostFor(post, viewer)), nextCursor };
}

export function createFeedService(deps: { db: Db }) {
  const { db } = deps;

  return {
    /** The network wall, the member's groups, and the members they follow where they may read them: newest first. */
    async home(viewer: MaybeViewer, query: PageQuery): Promise<PostPage> {
      if (!viewer) throw unauthenticated();
      if (!canReadWall(viewer, { wall: 'network' })) throw forbidden('Confirm your e-mail address to see your feed.');
      const after: Keyset | undefined = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      return toPage(viewer, await homeFeedPage(db, viewer.id, after, limit), limit);
    },

    /**
     * A hashtag's posts that this viewer may read, newest first. A tag with none that they may read
     * is a 404, whether or not others may: the answer does not tell that hidden posts carry it.
     */
    async hashtag(viewer: MaybeViewer, tag: string, query: PageQuery): Promise<PostPage> {
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const skeleton = hashtagSkeleton(normalizeHashtag(tag), readableWalls(viewer), after, limit);
      const { rows } = await hydratedPosts(skeleton, viewer?.id ?? null).execute(db);
      const answer = toPage(viewer, rows, limit);
      if (!after && answer.posts.length === 0 && answer.nextCursor === null) throw notFound('This hashtag');
      return answer;
    },
  };
}
