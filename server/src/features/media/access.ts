import type { GroupVisibility } from '@caucus/shared/constants.ts';
import type { DbHandle } from '#core/db.ts';
import { canReadMedia, type GroupMembershipRow, type MaybeViewer, type MediaSubject, type ProfileSubject } from '#core/policy.ts';
import { loadGroupAccess } from '#features/groups/access.ts';
import type { ServedMediaRow } from './queries.ts';

/** The group an image's access depends on, if any: a cover's group, or the group of its post's wall. */
export function groupOf(row: ServedMediaRow): string | null {
  if (row.post_id) return row.post_wall === 'group' ? row.post_group_id : null;
  return row.cover_group_id;
}

/** What the image belongs to, as the policy module reads it, with the viewer's membership in its group. */
export function subjectOf(row: ServedMediaRow, membership: GroupMembershipRow): MediaSubject {
  const profile = (id: string, visibility: 'public' | 'members' | null, verifiedAt: Date | null): ProfileSubject =>
    ({ id, profileVisibility: visibility ?? 'members', emailVerified: verifiedAt !== null });
  if (row.post_id) {
    const deleted = row.post_deleted_at !== null;
    if (row.post_wall === 'group') return { use: 'post', deleted, wall: { wall: 'group', group: { visibility: row.post_group_visibility as GroupVisibility }, membership } };
    if (row.post_wall === 'profile' && row.wall_profile_id) {
      return { use: 'post', deleted, wall: { wall: 'profile', profile: profile(row.wall_profile_id, row.wall_profile_visibility, row.wall_profile_verified_at), ownerFollowsViewer: false } };
    }
    return { use: 'post', deleted, wall: { wall: 'network' } };
  }
  if (row.avatar_member_id) return { use: 'avatar', profile: profile(row.avatar_member_id, row.avatar_profile_visibility, row.avatar_verified_at) };
  if (row.cover_group_id) return { use: 'cover', group: { visibility: row.cover_group_visibility as GroupVisibility }, membership };
  if (row.branding !== null) return { use: 'branding' };
  return { use: 'unattached', ownerId: row.owner_id };
}

/** Whether anybody at all, signed in or not, may see the image: then it is cached publicly and served without a session. */
export const isPublicMedia = (row: ServedMediaRow): boolean => canReadMedia(null, subjectOf(row, null));

/** The decision for one viewer, with the one query it may need (their membership in the image's group). */
export async function mayRead(handle: Pick<DbHandle, 'db'>, viewer: MaybeViewer, row: ServedMediaRow): Promise<boolean> {
  const groupId = groupOf(row);
  const membership = groupId && viewer ? ((await loadGroupAccess(handle.db, viewer.id, [groupId])).get(groupId)?.membership ?? null) : null;
  return canReadMedia(viewer, subjectOf(row, membership));
}
