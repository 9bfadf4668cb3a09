import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { MediaPurpose, MediaTable, MediaVariantRecord } from '#core/database.ts';
import type { DbOrTx } from '#core/db.ts';

export type MediaRow = Selectable<MediaTable>;

/** What presenting an image needs, and nothing more. */
const IMAGE_COLUMNS = ['m.id', 'm.storage_key', 'm.alt', 'm.width', 'm.height', 'm.animated', 'm.placeholder', 'm.variants'] as const;
export type ImageRow = Pick<MediaRow, 'id' | 'storage_key' | 'alt' | 'width' | 'height' | 'animated' | 'placeholder' | 'variants'>;

/**
 * An image by the column that holds its id, as a JSON sub-select, so that it comes with its owner's
 * row (a group's cover, a member's avatar, the network's logo) in the same query. Null when unset.
 */
export function imageSubquery(idColumn: string): RawBuilder<ImageRow | null> {
  return sql<ImageRow | null>`(SELECT json_build_object('id', m.id, 'storage_key', m.storage_key, 'alt', m.alt, 'width', m.width, 'height', m.height,
    'animated', m.animated, 'placeholder', m.placeholder, 'variants', m.variants) FROM media m WHERE m.id = ${sql.ref(idColumn)})`;
}

/** A member's avatar as the same JSON sub-select, by the member's id (the page context's viewer). */
export function avatarSubquery(memberId: string): RawBuilder<ImageRow | null> {
  return sql<ImageRow | null>`(SELECT json_build_object('id', m.id, 'storage_key', m.storage_key, 'alt', m.alt, 'width', m.width, 'height', m.height,
    'animated', m.animated, 'placeholder', m.placeholder, 'variants', m.variants) FROM members mm JOIN media m ON m.id = mm.avatar_id WHERE mm.id = ${memberId})`;
}

export interface NewMedia {
  id: string;
  ownerId: string;
  purpose: MediaPurpose;
  storageKey: string;
  alt: string;
  width: number;
  height: number;
  animated: boolean;
  placeholder: string;
  variants: MediaVariantRecord[];
  bytes: number;
}

export async function insertMedia(db: DbOrTx, media: NewMedia): Promise<MediaRow> {
  return db.insertInto('media').values({
    id: media.id,
    owner_id: media.ownerId,
    purpose: media.purpose,
    storage_key: media.storageKey,
    alt: media.alt,
    width: media.width,
    height: media.height,
    animated: media.animated,
    placeholder: media.placeholder,
    variants: JSON.stringify(media.variants),
    bytes: media.bytes,
  }).returningAll().executeTakeFirstOrThrow();
}

export function findMedia(db: DbOrTx, id: string): Promise<MediaRow | undefined> {
  return db.selectFrom('media').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks the row: two requests cannot both put the same upload to use. */
export function findMediaForUpdate(db: DbOrTx, id: string): Promise<MediaRow | undefined> {
  return db.selectFrom('media').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Locks the rows, by id: what attaching images to a post checks. */
export async function lockMedia(db: DbOrTx, ids: readonly string[]): Promise<Map<string, Pick<MediaRow, 'id' | 'owner_id' | 'purpose' | 'attached_at'>>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('media').select(['id', 'owner_id', 'purpose', 'attached_at']).where('id', 'in', ids).forUpdate().execute();
  return new Map(rows.map((row) => [row.id, row]));
}

export async function groupIdBySlug(db: DbOrTx, slug: string): Promise<string | undefined> {
  const row = await db.selectFrom('groups').select('id').where(sql<string>`lower(slug)`, '=', slug.toLowerCase()).executeTakeFirst();
  return row?.id;
}

export async function memberExists(db: DbOrTx, id: string): Promise<boolean> {
  return (await db.selectFrom('members').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function imagesByIds(db: DbOrTx, ids: readonly string[]): Promise<Map<string, ImageRow>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('media as m').select(IMAGE_COLUMNS).where('m.id', 'in', unique).execute();
  return new Map(rows.map((row) => [row.id, row]));
}

/** The images of many posts in one query, in their order on each post. */
export async function imagesOfPosts(db: DbOrTx, postIds: readonly string[]): Promise<Map<string, ImageRow[]>> {
  const unique = [...new Set(postIds)];
  const byPost = new Map<string, ImageRow[]>();
  if (unique.length === 0) return byPost;
  const rows = await db
    .selectFrom('post_media as pm')
    .innerJoin('media as m', 'm.id', 'pm.media_id')
    .select(['pm.post_id', ...IMAGE_COLUMNS])
    .where('pm.post_id', 'in', unique)
    .orderBy('pm.post_id')
    .orderBy('pm.position')
    .execute();
  for (const { post_id, ...image } of rows) {
    const list = byPost.get(post_id) ?? [];
    list.push(image);
    byPost.set(post_id, list);
  }
  return byPost;
}

/**
 * An image by its storage key, with whatever it is used for, in one query: the post it is on (and
 * that post's wall), the member whose avatar it is, the group whose cover it is, the network's brand.
 */
export function findServedMedia(db: DbOrTx, storageKey: string) {
  return db
    .selectFrom('media as m')
    .leftJoin('post_media as pm', 'pm.media_id', 'm.id')
    .leftJoin('posts as p', 'p.id', 'pm.post_id')
    .leftJoin('groups as pg', 'pg.id', 'p.group_id')
    .leftJoin('members as pp', 'pp.id', 'p.profile_id')
    .leftJoin('members as av', 'av.avatar_id', 'm.id')
    .leftJoin('groups as cg', 'cg.cover_id', 'm.id')
    .leftJoin('network_settings as ns', (join) => join.on((eb) => eb.or([eb('ns.logo_id', '=', eb.ref('m.id')), eb('ns.favicon_id', '=', eb.ref('m.id'))])))
    .select([
      'm.id', 'm.owner_id', 'm.variants',
      'p.id as post_id', 'p.wall as post_wall', 'p.deleted_at as post_deleted_at', 'p.group_id as post_group_id', 'pg.visibility as post_group_visibility',
      'pp.id as wall_profile_id', 'pp.profile_visibility as wall_profile_visibility', 'pp.email_verified_at as wall_profile_verified_at',
      'av.id as avatar_member_id', 'av.profile_visibility as avatar_profile_visibility', 'av.email_verified_at as avatar_verified_at',
      'cg.id as cover_group_id', 'cg.visibility as cover_group_visibility',
      'ns.id as branding',
    ])
    .where('m.storage_key', '=', storageKey)
    .executeTakeFirst();
}
export type ServedMediaRow = NonNullable<Awaited<ReturnType<typeof findServedMedia>>>;

export async function updateAlt(db: DbOrTx, id: string, alt: string): Promise<MediaRow> {
  return db.updateTable('media').set({ alt }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function markAttached(db: DbOrTx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('media').set({ attached_at: sql`now()` }).where('id', 'in', ids).where('attached_at', 'is', null).execute();
}

export async function deleteMedia(db: DbOrTx, ids: readonly (string | null)[]): Promise<number> {
  const wanted = ids.filter((id): id is string => id !== null);
  if (wanted.length === 0) return 0;
  const result = await db.deleteFrom('media').where('id', 'in', wanted).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ── Quotas ─────────────────────────────────────────────────────────────────────────────────────

/** Adds `bytes` to the member's usage (the row lock serialises their uploads) and returns the new total and their own quota. */
export async function addUsage(db: DbOrTx, memberId: string, bytes: number) {
  return db
    .insertInto('media_quotas')
    .values({ member_id: memberId, used_bytes: bytes })
    .onConflict((oc) => oc.column('member_id').doUpdateSet({ used_bytes: sql`media_quotas.used_bytes + excluded.used_bytes` }))
    .returning(['used_bytes', 'quota_bytes'])
    .executeTakeFirstOrThrow();
}

export async function usageOf(db: DbOrTx, memberId: string): Promise<{ used_bytes: number; quota_bytes: number | null }> {
  const row = await db.selectFrom('media_quotas').select(['used_bytes', 'quota_bytes']).where('member_id', '=', memberId).executeTakeFirst();
  return row ?? { used_bytes: 0, quota_bytes: null };
}

export async function setMemberQuota(db: DbOrTx, memberId: string, quotaBytes: number | null): Promise<void> {
  await db
    .insertInto('media_quotas')
    .values({ member_id: memberId, quota_bytes: quotaBytes })
    .onConflict((oc) => oc.column('member_id').doUpdateSet({ quota_bytes: quotaBytes }))
    .execute();
}

// ── Where images are used ──────────────────────────────────────────────────────────────────────

/** Sets a member's avatar; returns the one it replaces. */
export async function swapAvatar(db: DbOrTx, memberId: string, mediaId: string | null): Promise<string | null> {
  const before = await db.selectFrom('members').select('avatar_id').where('id', '=', memberId).forUpdate().executeTakeFirstOrThrow();
  await db.updateTable('members').set({ avatar_id: mediaId }).where('id', '=', memberId).execute();
  return before.avatar_id;
}

export async function swapCover(db: DbOrTx, groupId: string, mediaId: string | null): Promise<string | null> {
  const before = await db.selectFrom('groups').select('cover_id').where('id', '=', groupId).forUpdate().executeTakeFirstOrThrow();
  await db.updateTable('groups').set({ cover_id: mediaId, updated_at: sql`now()` }).where('id', '=', groupId).execute();
  return before.cover_id;
}

export async function swapBrandImage(db: DbOrTx, slot: 'logo' | 'favicon', mediaId: string | null): Promise<string | null> {
  const column = slot === 'logo' ? 'logo_id' : 'favicon_id';
  const before = await db.selectFrom('network_settings').select(column).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
  await db.updateTable('network_settings').set({ [column]: mediaId, updated_at: sql`now()` }).where('id', '=', 1).execute();
  return slot === 'logo' ? (before as { logo_id: string | null }).logo_id : (before as { favicon_id: string | null }).favicon_id;
}

export async function attachToPost(db: DbOrTx, postId: string, mediaIds: readonly string[]): Promise<void> {
  if (mediaIds.length === 0) return;
  await db.insertInto('post_media').values(mediaIds.map((mediaId, position) => ({ post_id: postId, media_id: mediaId, position }))).execute();
  await markAttached(db, mediaIds);
}

// ── Purge ──────────────────────────────────────────────────────────────────────────────────────

/** The images of soft-deleted posts go (to the trash, by the delete trigger). */
export async function deleteImagesOfDeletedPosts(db: DbOrTx): Promise<number> {
  const result = await db
    .deleteFrom('media')
    .where('id', 'in', (eb) => eb.selectFrom('posts as p').innerJoin('post_media as pm', 'pm.post_id', 'p.id').select('pm.media_id').where('p.deleted_at', 'is not', null))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Uploads never put to use, a day on. */
export async function deleteAbandonedUploads(db: DbOrTx, olderThanSeconds: number): Promise<number> {
  const result = await db
    .deleteFrom('media')
    .where('attached_at', 'is', null)
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanSeconds})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export function trashBatch(db: DbOrTx, limit: number) {
  return db.selectFrom('media_trash').select(['storage_key', 'names']).orderBy('deleted_at').limit(limit).execute();
}

export async function forgetTrash(db: DbOrTx, storageKeys: readonly string[]): Promise<void> {
  if (storageKeys.length === 0) return;
  await db.deleteFrom('media_trash').where('storage_key', 'in', storageKeys).execute();
}

export async function mediaSettings(db: DbOrTx) {
  return db.selectFrom('network_settings').select(['media_quota_bytes', 'media_uploads_per_hour']).where('id', '=', 1).executeTakeFirstOrThrow();
}

export async function updateMediaSettings(db: DbOrTx, patch: { media_quota_bytes?: number; media_uploads_per_hour?: number }) {
  return db.updateTable('network_settings').set({ ...patch, updated_at: sql`now()` }).where('id', '=', 1)
    .returning(['media_quota_bytes', 'media_uploads_per_hour']).executeTakeFirstOrThrow();
}
