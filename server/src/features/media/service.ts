import { MEDIA_LIMITS, type Image } from '@caucus/shared/schemas/media.ts';
import type { DbOrTx, Db } from '#core/db.ts';
import { AppError, fieldError, forbidden, notFound, unauthenticated } from '#core/errors.ts';
import { canManageGroup, canManageNetwork, canSeeGroup, canUseMedia, type MaybeViewer, type Viewer } from '#core/policy.ts';
import { loadGroupAccess } from '#features/groups/access.ts';
import { presentImage } from './present.ts';
import * as q from './queries.ts';

// The read side other features call, in bulk (ids → one query → JSON): post images, avatars, covers.

/** An image with its owner's row, in the same query: `.select(imageColumn('g.cover_id').as('cover'))`. */
export const imageColumn = (idColumn: string) => q.imageSubquery(idColumn);

/** A member's avatar, by their id, in the caller's query: `.select(avatarOf(id).as('avatar'))`. */
export const avatarOf = (memberId: string) => q.avatarSubquery(memberId);

/** The image such a column loaded, or nothing. */
export const presentImageColumn = (row: q.ImageRow | null | undefined): Image | undefined => (row ? presentImage(row) : undefined);

/** Images by id, presented; unknown ids are absent. */
export async function loadImages(db: DbOrTx, ids: readonly (string | null | undefined)[]): Promise<Map<string, Image>> {
  const rows = await q.imagesByIds(db, ids.filter((id): id is string => typeof id === 'string'));
  return new Map([...rows].map(([id, row]) => [id, presentImage(row)]));
}

/** The images of many posts, in their order on each post: one query for a page of posts. */
export async function loadPostImages(db: DbOrTx, postIds: readonly string[]): Promise<Map<string, Image[]>> {
  const rows = await q.imagesOfPosts(db, postIds);
  return new Map([...rows].map(([postId, images]) => [postId, images.map(presentImage)]));
}

/**
 * Puts a member's fresh uploads on their new post, in the order given, inside the post's own
 * transaction. Each must be theirs, uploaded for a post, and on no other post yet.
 */
export async function attachImagesToPost(tx: DbOrTx, viewer: Viewer, postId: string, imageIds: readonly string[]): Promise<void> {
  if (imageIds.length === 0) return;
  if (imageIds.length > MEDIA_LIMITS.imagesPerPost) {
    throw fieldError(400, 'imageIds', 'too_many', `A post holds at most ${MEDIA_LIMITS.imagesPerPost} images.`, { max: MEDIA_LIMITS.imagesPerPost });
  }
  if (new Set(imageIds).size !== imageIds.length) throw fieldError(400, 'imageIds', 'invalid_input', 'The same image is listed twice.');
  const byId = await q.lockMedia(tx, imageIds);
  for (const id of imageIds) {
    const row = byId.get(id);
    if (!row || !canUseMedia(viewer, row.owner_id)) throw fieldError(404, 'imageIds', 'not_found', 'One of these images does not exist, or is not yours: upload it again.');
    if (row.purpose !== 'post') throw fieldError(400, 'imageIds', 'invalid_choice', 'One of these images was uploaded for another use: upload it again for the post.');
    if (row.attached_at !== null) throw fieldError(409, 'imageIds', 'conflict', 'One of these images is already on a post.');
  }
  await q.attachToPost(tx, postId, imageIds);
}

type Slot = 'avatar' | 'cover' | 'logo' | 'favicon';

export interface MediaServiceDeps {
  db: Db;
  /** Asks the purge job to run soon (after a commit that deleted images). */
  requestPurge: () => void;
  /** The size cap of one file (MEDIA_MAX_BYTES). */
  maxUploadBytes: number;
}

/** Putting uploads to use (avatar, cover, logo, favicon), their alt text, discarding them. */
export function createMediaService(deps: MediaServiceDeps) {
  const { db, requestPurge, maxUploadBytes } = deps;

  async function quotaOf(memberId: string) {
    const [usage, settings] = await Promise.all([q.usageOf(db, memberId), q.mediaSettings(db)]);
    return { usedBytes: usage.used_bytes, quotaBytes: usage.quota_bytes ?? settings.media_quota_bytes, custom: usage.quota_bytes !== null, maxUploadBytes };
  }

  /** The viewer's unused upload for this slot, locked; anything else answers as if it did not exist, or says what is wrong. */
  async function usableUpload(tx: DbOrTx, viewer: Viewer, imageId: string, slot: Slot): Promise<q.MediaRow> {
    const row = await q.findMediaForUpdate(tx, imageId);
    if (!row || !canUseMedia(viewer, row.owner_id)) throw fieldError(404, 'imageId', 'not_found', 'This image does not exist, or is not yours: upload it again.');
    if (row.purpose !== slot) throw fieldError(400, 'imageId', 'invalid_choice', `This image was uploaded for another use: upload it again as the ${slot}.`);
    if (row.attached_at !== null) throw fieldError(409, 'imageId', 'conflict', 'This image is already in use.');
    return row;
  }

  /** Swaps the image in a slot in one transaction; the one replaced is deleted (its files by the purge job). */
  async function swap(viewer: Viewer, imageId: string | null, slot: Slot, write: (tx: DbOrTx, id: string | null) => Promise<string | null>): Promise<Image | null> {
    const result = await db.transaction().execute(async (tx) => {
      const row = imageId ? await usableUpload(tx, viewer, imageId, slot) : null;
      const previous = await write(tx, row?.id ?? null);
      if (row) await q.markAttached(tx, [row.id]);
      const deleted = previous && previous !== row?.id ? await q.deleteMedia(tx, [previous]) : 0;
      return { row, deleted };
    });
    if (result.deleted > 0) requestPurge();
    return result.row ? presentImage({ ...result.row }) : null;
  }

  async function managedGroup(viewer: Viewer, slug: string): Promise<string> {
    const groupId = await q.groupIdBySlug(db, slug);
    const access = groupId ? (await loadGroupAccess(db, viewer.id, [groupId])).get(groupId) : undefined;
    if (!access || !canSeeGroup(viewer, access, access.membership)) throw notFound('This group');
    if (!canManageGroup(viewer, access.membership)) throw forbidden("Only the group's organizers may change its cover.");
    return access.id;
  }

  const requireAdmin = (viewer: MaybeViewer): Viewer => {
    if (!viewer) throw unauthenticated();
    if (!canManageNetwork(viewer)) throw forbidden('Only the network team may change its branding.');
    return viewer;
  };

  return {
    setAvatar: (viewer: Viewer, imageId: string | null) => swap(viewer, imageId, 'avatar', (tx, id) => q.swapAvatar(tx, viewer.id, id)),

    async setCover(viewer: Viewer, slug: string, imageId: string | null): Promise<Image | null> {
      const groupId = await managedGroup(viewer, slug);
      return swap(viewer, imageId, 'cover', (tx, id) => q.swapCover(tx, groupId, id));
    },

    setBrandImage: (viewer: MaybeViewer, slot: 'logo' | 'favicon', imageId: string | null) =>
      swap(requireAdmin(viewer), imageId, slot, (tx, id) => q.swapBrandImage(tx, slot, id)),

    async updateAlt(viewer: Viewer, imageId: string, alt: string): Promise<Image> {
      const row = await q.findMedia(db, imageId);
      if (!row || !canUseMedia(viewer, row.owner_id)) throw notFound('This image');
      const trimmed = alt.trim();
      if (!trimmed) throw fieldError(400, 'alt', 'required', 'Describe the image for those who cannot see it (alt text).');
      return presentImage(await q.updateAlt(db, imageId, trimmed));
    },

    /** An upload not yet put to use; one in use leaves with its post, or is replaced. */
    async discard(viewer: Viewer, imageId: string): Promise<void> {
      const deleted = await db.transaction().execute(async (tx) => {
        const row = await q.findMediaForUpdate(tx, imageId);
        if (!row || !canUseMedia(viewer, row.owner_id)) throw notFound('This image');
        if (row.attached_at !== null) throw new AppError(409, 'conflict', 'This image is in use: remove it from where it is shown instead.');
        return q.deleteMedia(tx, [row.id]);
      });
      if (deleted > 0) requestPurge();
    },

    myQuota: (viewer: Viewer) => quotaOf(viewer.id),

    async settings(viewer: MaybeViewer) {
      requireAdmin(viewer);
      const row = await q.mediaSettings(db);
      return { maxUploadBytes, quotaBytes: row.media_quota_bytes, uploadsPerHour: row.media_uploads_per_hour };
    },

    async updateSettings(viewer: MaybeViewer, body: { quotaBytes?: number; uploadsPerHour?: number }) {
      requireAdmin(viewer);
      const row = await q.updateMediaSettings(db, {
        ...(body.quotaBytes !== undefined ? { media_quota_bytes: body.quotaBytes } : {}),
        ...(body.uploadsPerHour !== undefined ? { media_uploads_per_hour: body.uploadsPerHour } : {}),
      });
      return { maxUploadBytes, quotaBytes: row.media_quota_bytes, uploadsPerHour: row.media_uploads_per_hour };
    },

    async setMemberQuota(viewer: MaybeViewer, memberId: string, quotaBytes: number | null) {
      requireAdmin(viewer);
      if (!(await q.memberExists(db, memberId))) throw notFound('This member');
      await q.setMemberQuota(db, memberId, quotaBytes);
      return quotaOf(memberId);
    },
  };
}
export type MediaService = ReturnType<typeof createMediaService>;
