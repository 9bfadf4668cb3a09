import type { ReactionKind } from '@caucus/shared/constants.ts';
import type { Image } from '@caucus/shared/schemas/media.ts';
import type { Author, PostWall, ReactionCounts } from '@caucus/shared/schemas/posts.ts';
import type { DbOrTx } from '#core/db.ts';
import { canReadWall, type MaybeViewer, type WallSubject } from '#core/policy.ts';
import { loadGroupAccess, type GroupAccess } from '#features/groups/access.ts';
import { loadPostImages, presentImageColumn as presentImage } from '#features/media/service.ts';
import * as q from './queries.ts';

// Step 2 and 3 of every read (ARCHITECTURE: skeleton → hydrate → rules → present): load what a
// set of posts needs in a fixed number of queries, then drop what the policy does not let this
// viewer read. A post whose wall or author did not load is dropped too: fail closed.

export interface WallInfo {
  subject: WallSubject;
  json: PostWall;
}

export interface LoadedPost {
  row: q.PostRow;
  author: Author;
  wall: WallInfo;
  reactions: ReactionCounts;
  /** The viewer's own reaction. */
  mine: ReactionKind | null;
  images: Image[];
}

type WallColumns = Pick<q.PostRow, 'wall' | 'group_id' | 'profile_id'>;

/** Members, as authors and as profile-wall owners, by id. */
type MembersById = Map<string, q.MemberRow>;

/** The policy subject and the JSON of each post's wall: groups with the viewer's membership, profiles with "owner follows viewer". */
export async function loadWalls(db: DbOrTx, viewer: MaybeViewer, rows: readonly WallColumns[], members?: MembersById, knownGroups?: ReadonlyMap<string, GroupAccess>): Promise<(row: WallColumns) => WallInfo | undefined> {
  const groupIds = rows.flatMap((row) => (row.group_id && !knownGroups?.has(row.group_id) ? [row.group_id] : []));
  const profileIds = [...new Set(rows.flatMap((row) => (row.profile_id ? [row.profile_id] : [])))];
  const missingProfiles = profileIds.filter((id) => !members?.has(id));
  const [loadedGroups, profileRows, followers] = await Promise.all([
    loadGroupAccess(db, viewer?.id ?? null, groupIds),
    q.membersByIds(db, missingProfiles),
    viewer ? q.ownersFollowing(db, profileIds, viewer.id) : Promise.resolve(new Set<string>()),
  ]);
  const groups = new Map([...(knownGroups ?? []), ...loadedGroups]);
  const profiles: MembersById = new Map(members);
  for (const row of profileRows) profiles.set(row.id, row);

  return (row) => {
    if (row.wall === 'network') return { subject: { wall: 'network' }, json: { kind: 'network' } };
    if (row.wall === 'group') {
      const group = row.group_id ? groups.get(row.group_id) : undefined;
      if (!group) return undefined;
      return {
        subject: { wall: 'group', group: { visibility: group.visibility }, membership: group.membership },
        json: { kind: 'group', group: { id: group.id, slug: group.slug, name: group.name, visibility: group.visibility } },
      };
    }
    const owner = row.profile_id ? profiles.get(row.profile_id) : undefined;
    if (!owner) return undefined;
    return {
      subject: {
        wall: 'profile',
        profile: { id: owner.id, profileVisibility: owner.profile_visibility, emailVerified: owner.email_verified_at !== null },
        ownerFollowsViewer: followers.has(owner.id),
      },
      json: { kind: 'profile', profile: { id: owner.id, handle: owner.handle, displayName: owner.display_name } },
    };
  };
}

/** A member as the author of a post or comment. */
export const authorOf = (member: q.MemberRow): Author => ({
  id: member.id, handle: member.handle, displayName: member.display_name, ...(member.avatar ? { avatar: presentImage(member.avatar) } : {}),
});

/**
 * Posts in the given order, hydrated, each one the viewer may read; the others are left out.
 * `knownGroups`: groups (with the viewer's membership) the caller loaded already, not asked again.
 */
export async function hydratePosts(db: DbOrTx, viewer: MaybeViewer, rows: readonly q.PostRow[], knownGroups?: ReadonlyMap<string, GroupAccess>): Promise<LoadedPost[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const memberIds = rows.flatMap((row) => (row.profile_id ? [row.author_id, row.profile_id] : [row.author_id]));
  const [memberRows, counts, mine, images] = await Promise.all([
    q.membersByIds(db, memberIds),
    q.reactionCounts(db, ids),
    viewer ? q.viewerReactions(db, viewer.id, ids) : Promise.resolve([]),
    loadPostImages(db, ids),
  ]);
  const members: MembersById = new Map(memberRows.map((row) => [row.id, row]));
  const wallOf = await loadWalls(db, viewer, rows, members, knownGroups);
  const reactions = new Map<string, ReactionCounts>();
  for (const count of counts) {
    const perKind = reactions.get(count.post_id) ?? {};
    perKind[count.kind] = Number(count.n);
    reactions.set(count.post_id, perKind);
  }
  const mineByPost = new Map(mine.map((row) => [row.post_id, row.kind]));

  const loaded: LoadedPost[] = [];
  for (const row of rows) {
    const author = members.get(row.author_id);
    const wall = wallOf(row);
    if (!author || !wall || !canReadWall(viewer, wall.subject)) continue;
    loaded.push({
      row,
      author: authorOf(author),
      wall,
      reactions: reactions.get(row.id) ?? {},
      mine: mineByPost.get(row.id) ?? null,
      images: images.get(row.id) ?? [],
    });
  }
  return loaded;
}

/** Loads posts by id (a skeleton's page), keeping the skeleton's order. */
export async function loadPostsByIds(db: DbOrTx, viewer: MaybeViewer, ids: readonly string[]): Promise<LoadedPost[]> {
  if (ids.length === 0) return [];
  const rows = await q.postsByIds(db, ids);
  const byId = new Map(rows.map((row) => [row.id, row]));
  return hydratePosts(db, viewer, ids.flatMap((id) => byId.get(id) ?? []));
}
