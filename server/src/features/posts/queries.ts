import { sql, type RawBuilder } from 'kysely';
import type { ReactionKind } from '@caucus/shared/constants.ts';
import type { DbOrTx } from '#core/db.ts';
import { imageColumn } from '#features/media/service.ts';

// Posts, their walls and their counters. Every read of posts goes through `livePosts`, which hides
// soft-deleted rows: a caller must ask in words (`includeDeleted`) to see them.

const POST_COLUMNS = [
  'p.id', 'p.author_id', 'p.wall', 'p.group_id', 'p.profile_id', 'p.body', 'p.body_html', 'p.comment_count',
  'p.reaction_count', 'p.pinned_at', 'p.edited_at', 'p.created_at',
] as const;

const livePosts = (db: DbOrTx) => db.selectFrom('posts as p').where('p.deleted_at', 'is', null);

export function postById(db: DbOrTx, id: string) {
  return livePosts(db).select(POST_COLUMNS).where('p.id', '=', id).executeTakeFirst();
}

export type PostRow = NonNullable<Awaited<ReturnType<typeof postById>>>;

/** The post, locked until the end of the transaction: two edits or a delete and an edit do not interleave. */
export function postForUpdate(tx: DbOrTx, id: string) {
  return livePosts(tx).select(POST_COLUMNS).where('p.id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

/** A wall as the queries see it. */
export type WallRef = { kind: 'network' } | { kind: 'group'; groupId: string } | { kind: 'profile'; profileId: string };

export interface Keyset { sortKey: string; id: string }

/** `(created_at, id) < cursor` on the given alias: the keyset of every newest-first list of posts. */
export const olderThan = (after: Keyset | undefined, alias: string): RawBuilder<boolean> =>
  after ? sql<boolean>`(${sql.ref(`${alias}.created_at`)}, ${sql.ref(`${alias}.id`)}) < (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql<boolean>`true`;

/** A wall's pinned posts, the latest pinned first (posts_pinned_idx; a wall holds a handful at most). */
export function pinnedPosts(db: DbOrTx, wall: WallRef, limit: number) {
  let query = livePosts(db).select(POST_COLUMNS).where('p.pinned_at', 'is not', null);
  if (wall.kind === 'network') query = query.where('p.group_id', 'is', null).where('p.wall', '=', 'network');
  if (wall.kind === 'group') query = query.where('p.group_id', '=', wall.groupId);
  if (wall.kind === 'profile') query = query.where('p.group_id', 'is', null).where('p.profile_id', '=', wall.profileId);
  return query.orderBy('p.pinned_at', 'desc').limit(limit).execute();
}

export interface NewPost {
  id: string;
  author_id: string;
  wall: 'network' | 'group' | 'profile';
  group_id: string | null;
  profile_id: string | null;
  body: string;
  body_html: string;
}

export function insertPost(tx: DbOrTx, post: NewPost): Promise<PostRow> {
  return tx.insertInto('posts').values(post)
    .returning(['id', 'author_id', 'wall', 'group_id', 'profile_id', 'body', 'body_html', 'comment_count', 'reaction_count', 'pinned_at', 'edited_at', 'created_at'])
    .executeTakeFirstOrThrow();
}

export async function updatePostBody(tx: DbOrTx, id: string, body: string, bodyHtml: string): Promise<void> {
  await tx.updateTable('posts').set({ body, body_html: bodyHtml, edited_at: sql`now()` }).where('id', '=', id).execute();
}

export async function setPinned(tx: DbOrTx, id: string, pinned: boolean): Promise<void> {
  await tx.updateTable('posts').set({ pinned_at: pinned ? sql`now()` : null }).where('id', '=', id).execute();
}

export async function softDeletePost(tx: DbOrTx, id: string): Promise<void> {
  await tx.updateTable('posts').set({ deleted_at: sql`now()`, pinned_at: null }).where('id', '=', id).execute();
}

/** Replaces a post's hashtags; each row carries the post's creation time, for the tag's page keyset (post_hashtags_page_idx). */
export async function replaceHashtags(tx: DbOrTx, postId: string, tags: readonly string[], replacing: boolean): Promise<void> {
  if (replacing) await tx.deleteFrom('post_hashtags').where('post_id', '=', postId).execute();
  if (tags.length === 0) return;
  await sql`INSERT INTO post_hashtags (tag, post_id, created_at)
    SELECT t.tag, p.id, p.created_at FROM posts p CROSS JOIN unnest(${[...tags]}::text[]) AS t(tag) WHERE p.id = ${postId}`.execute(tx);
}

export async function adjustCounts(tx: DbOrTx, postId: string, delta: { comments?: number; reactions?: number }): Promise<{ comment_count: number; reaction_count: number }> {
  return tx.updateTable('posts')
    .set({ comment_count: sql`comment_count + ${delta.comments ?? 0}`, reaction_count: sql`reaction_count + ${delta.reactions ?? 0}` })
    .where('id', '=', postId)
    .returning(['comment_count', 'reaction_count'])
    .executeTakeFirstOrThrow();
}

const MEMBER_COLUMNS = ['id', 'handle', 'display_name', 'role', 'profile_visibility', 'email_verified_at'] as const;

export function memberByHandle(db: DbOrTx, handle: string) {
  return db.selectFrom('members').select(MEMBER_COLUMNS).where(sql<string>`lower(handle)`, '=', handle.toLowerCase()).executeTakeFirst();
}

export function membersByIds(db: DbOrTx, ids: readonly string[]) {
  return ids.length === 0 ? Promise.resolve([]) : db.selectFrom('members').select([...MEMBER_COLUMNS, imageColumn('avatar_id').as('avatar')]).where('id', 'in', [...new Set(ids)]).execute();
}

export type MemberRow = Awaited<ReturnType<typeof membersByIds>>[number];

/** Verified members by lower-cased handle (mentions), in one query; a provisional handle names nobody yet. */
export function verifiedMembersByHandles(db: DbOrTx, handles: readonly string[]) {
  if (handles.length === 0) return Promise.resolve([]);
  return db.selectFrom('members').select(['id', 'handle', 'role']).where(sql<string>`lower(handle)`, 'in', handles).where('email_verified_at', 'is not', null).where('handle_chosen_at', 'is not', null).execute();
}

/** Which of `ownerIds` follow `followeeId`: who lets this member write on their profile wall. */
export async function ownersFollowing(db: DbOrTx, ownerIds: readonly string[], followeeId: string): Promise<Set<string>> {
  if (ownerIds.length === 0) return new Set();
  const rows = await db.selectFrom('follows').select('follower_id').where('follower_id', 'in', [...new Set(ownerIds)]).where('followee_id', '=', followeeId).execute();
  return new Set(rows.map((row) => row.follower_id));
}

/** Several members' rows in one group (mentioned members: may they read the post?). */
export function membershipsIn(db: DbOrTx, groupId: string, memberIds: readonly string[]) {
  if (memberIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('group_members').select(['member_id', 'state', 'role']).where('group_id', '=', groupId).where('member_id', 'in', memberIds).execute();
}

// ── Reactions ───────────────────────────────────────────────────────────────────────────────────

/** Counts per kind for a page of posts (reactions_pkey: post_id first). */
export function reactionCounts(db: DbOrTx, postIds: readonly string[]) {
  if (postIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('reactions').select(['post_id', 'kind', (eb) => eb.fn.countAll<number>().as('n')]).where('post_id', 'in', postIds).groupBy(['post_id', 'kind']).execute();
}

/** Sets the member's reaction; says whether it is their first on this post, and the kind it replaced. */
export async function upsertReaction(tx: DbOrTx, postId: string, memberId: string, kind: ReactionKind): Promise<{ first: boolean; previous: ReactionKind | null }> {
  const previous = await tx.selectFrom('reactions').select('kind').where('post_id', '=', postId).where('member_id', '=', memberId).forNoKeyUpdate().executeTakeFirst();
  if (previous) {
    if (previous.kind !== kind) await tx.updateTable('reactions').set({ kind }).where('post_id', '=', postId).where('member_id', '=', memberId).execute();
    return { first: false, previous: previous.kind };
  }
  // Two first reactions racing: the loser of the insert switches instead, and counts nothing.
  const inserted = await tx.insertInto('reactions').values({ post_id: postId, member_id: memberId, kind })
    .onConflict((oc) => oc.columns(['post_id', 'member_id']).doUpdateSet({ kind }))
    .returning(sql<boolean>`xmax = 0`.as('inserted'))
    .executeTakeFirstOrThrow();
  return { first: inserted.inserted, previous: null };
}

export async function deleteReaction(tx: DbOrTx, postId: string, memberId: string): Promise<boolean> {
  const row = await tx.deleteFrom('reactions').where('post_id', '=', postId).where('member_id', '=', memberId).returning('kind').executeTakeFirst();
  return row !== undefined;
}
