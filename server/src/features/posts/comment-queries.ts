import { sql } from 'kysely';
import type { DbOrTx } from '#core/db.ts';
import type { Keyset } from './queries.ts';

// Comments, oldest first, each top-level one with its replies. Every list goes through
// comments_post_idx (post_id, created_at, id).

const COMMENT_COLUMNS = ['c.id', 'c.post_id', 'c.parent_id', 'c.author_id', 'c.body', 'c.body_html', 'c.edited_at', 'c.deleted_at', 'c.created_at'] as const;

/** A comment that is not deleted. */
export function commentById(db: DbOrTx, id: string) {
  return db.selectFrom('comments as c').select(COMMENT_COLUMNS).where('c.id', '=', id).where('c.deleted_at', 'is', null).executeTakeFirst();
}

export type CommentRow = NonNullable<Awaited<ReturnType<typeof commentById>>>;

export function commentForUpdate(tx: DbOrTx, id: string) {
  return tx.selectFrom('comments as c').select(COMMENT_COLUMNS).where('c.id', '=', id).where('c.deleted_at', 'is', null).forNoKeyUpdate().executeTakeFirst();
}

/** A reply that is not deleted keeps its deleted parent on the page, as a placeholder. */
const hasLiveReplies = sql<boolean>`EXISTS (SELECT 1 FROM comments r WHERE r.post_id = c.post_id AND r.parent_id = c.id AND r.deleted_at IS NULL)`;

/** One page of a post's top-level comments, oldest first: live ones, and deleted ones that still have replies. */
export function topLevelPage(db: DbOrTx, postId: string, after: Keyset | undefined, limit: number) {
  return db.selectFrom('comments as c')
    .select([...COMMENT_COLUMNS, sql<string>`c.created_at::text`.as('sort_key')])
    .where('c.post_id', '=', postId)
    .where('c.parent_id', 'is', null)
    .where((eb) => eb.or([eb('c.deleted_at', 'is', null), hasLiveReplies]))
    .where(after ? sql<boolean>`(c.created_at, c.id) > (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql<boolean>`true`)
    .orderBy('c.created_at').orderBy('c.id')
    .limit(limit + 1)
    .execute();
}

/** Every live reply to these comments, oldest first. */
export function repliesTo(db: DbOrTx, postId: string, parentIds: readonly string[]) {
  if (parentIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('comments as c').select(COMMENT_COLUMNS)
    .where('c.post_id', '=', postId)
    .where('c.parent_id', 'in', parentIds)
    .where('c.deleted_at', 'is', null)
    .orderBy('c.created_at').orderBy('c.id')
    .execute();
}

export interface NewComment {
  id: string;
  post_id: string;
  parent_id: string | null;
  author_id: string;
  body: string;
  body_html: string;
}

export async function insertComment(tx: DbOrTx, comment: NewComment): Promise<void> {
  await tx.insertInto('comments').values(comment).execute();
}

export async function updateCommentBody(tx: DbOrTx, id: string, body: string, bodyHtml: string): Promise<void> {
  await tx.updateTable('comments').set({ body, body_html: bodyHtml, edited_at: sql`now()` }).where('id', '=', id).execute();
}

export async function softDeleteComment(tx: DbOrTx, id: string): Promise<void> {
  await tx.updateTable('comments').set({ deleted_at: sql`now()` }).where('id', '=', id).execute();
}

/** Reloads one comment as shown, deleted or not (after a write, for the answer and the live event). */
export function commentAsStored(db: DbOrTx, id: string) {
  return db.selectFrom('comments as c').select(COMMENT_COLUMNS).where('c.id', '=', id).executeTakeFirstOrThrow();
}
