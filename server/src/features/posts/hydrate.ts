import type { ReactionKind } from '@caucus/shared/constants.ts';
import type { Image } from '@caucus/shared/schemas/media.ts';
import type { Author, PostWall, ReactionCounts } from '@caucus/shared/schemas/posts.ts';
import type { DbOrTx } from '#core/db.ts';
import { canReadWall, type MaybeViewer, type WallSubject } from '#core/policy.ts';
import { loadGroupAccess, type GroupAccess } from '#features/groups/access.ts';
import { presentImageColumn as presentImage } from '#features/media/service.ts';
import * as q from './queries.ts';
import { hydratedPosts, idsSkeleton, type HydratedRow } from './read-statement.ts';

// Step 3 of every read (ARCHITECTURE: skeleton → hydrate → rules → present): the statement of
// read-statement.ts loaded a page; drop what the policy does not let this viewer read. A post whose
// wall or author did not load is dropped too: fail closed. `loadWalls` serves the writes, which
// check the wall of a post they locked.

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

/** The wall of a hydrated post, as the policy and the JSON need it; undefined when it did not load (fail closed). */
function wallOfHydrated(row: HydratedRow): WallInfo | undefined {
  if (row.wall === 'network') return { subject: { wall: 'network' }, json: { kind: 'network' } };
  if (row.wall === 'group') {
    if (!row.group_id || !row.g_slug || !row.g_name || !row.g_visibility) return undefined;
    const membership = row.gm_state && row.gm_role ? { state: row.gm_state, role: row.gm_role } : null;
    return {
      subject: { wall: 'group', group: { visibility: row.g_visibility }, membership },
      json: { kind: 'group', group: { id: row.group_id, slug: row.g_slug, name: row.g_name, visibility: row.g_visibility } },
    };
  }
  if (!row.profile_id || !row.o_handle || row.o_display_name === null || !row.o_visibility || row.o_verified === null) return undefined;
  return {
    subject: {
      wall: 'profile',
      profile: { id: row.profile_id, profileVisibility: row.o_visibility, emailVerified: row.o_verified },
      ownerFollowsViewer: row.owner_follows_viewer,
    },
    json: { kind: 'profile', profile: { id: row.profile_id, handle: row.o_handle, displayName: row.o_display_name } },
  };
}

/**
 * Step 3, the rules: the posts of one statement's answer that the viewer may read, in its order.
 * A post whose wall did not load, or that the policy refuses, is left out.
 */
export function readableHydrated(viewer: MaybeViewer, rows: readonly HydratedRow[]): LoadedPost[] {
  const loaded: LoadedPost[] = [];
  for (const row of rows) {
    const wall = wallOfHydrated(row);
    if (!wall || !canReadWall(viewer, wall.subject)) continue;
    loaded.push({
      row,
      author: { id: row.author_id, handle: row.a_handle, displayName: row.a_display_name, ...(row.a_avatar ? { avatar: presentImage(row.a_avatar) } : {}) },
      wall,
      reactions: row.reactions ?? {},
      mine: row.mine,
      images: (row.images ?? []).flatMap((image) => presentImage(image) ?? []),
    });
  }
  return loaded;
}

/** Loads posts by id in one statement, keeping the order given. */
export async function loadPostsByIds(db: DbOrTx, viewer: MaybeViewer, ids: readonly string[]): Promise<LoadedPost[]> {
  if (ids.length === 0) return [];
  const { rows } = await hydratedPosts(idsSkeleton(ids), viewer?.id ?? null).execute(db);
  return readableHydrated(viewer, rows);
}
