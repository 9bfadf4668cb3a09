import { sql, type RawBuilder } from 'kysely';
import type { DbOrTx } from '#core/db.ts';
import type { ImageRow } from '#features/media/queries.ts';
import { imageColumn } from '#features/media/service.ts';
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

/** A comment as the comments column of a post's statement carries it: JSON, so times are strings. */
export interface CommentJson {
  id: string;
  post_id: string;
  parent_id: string | null;
  author_id: string;
  body: string;
  body_html: string;
  edited_at: string | null;
  deleted_at: string | null;
  created_at: string;
  sort_key: string;
  a_handle: string;
  a_display_name: string;
  a_avatar: ImageRow | null;
  replies?: CommentJson[] | null;
}

const commentJsonColumns = (alias: string, author: string) => sql`${sql.ref(`${alias}.id`)}, ${sql.ref(`${alias}.post_id`)}, ${sql.ref(`${alias}.parent_id`)},
  ${sql.ref(`${alias}.author_id`)}, ${sql.ref(`${alias}.body`)}, ${sql.ref(`${alias}.body_html`)}, ${sql.ref(`${alias}.edited_at`)},
  ${sql.ref(`${alias}.deleted_at`)}, ${sql.ref(`${alias}.created_at`)}, ${sql.ref(`${alias}.created_at`)}::text AS sort_key,
  ${sql.ref(`${author}.handle`)} AS a_handle, ${sql.ref(`${author}.display_name`)} AS a_display_name, ${imageColumn(`${author}.avatar_id`)} AS a_avatar`;

/**
 * A column for the post's own statement (read-statement.ts `extra`): one page of its top-level
 * comments, oldest first, each with its live replies and every author, as JSON. Same rules and
 * indexes as `topLevelPage` and `repliesTo`.
 */
export function commentPageColumn(after: Keyset | undefined, limit: number): RawBuilder<unknown> {
  const keyset = after ? sql`AND (c.created_at, c.id) > (${after.sortKey}::timestamptz, ${after.id}::uuid)` : sql``;
  return sql`, (SELECT json_agg(t ORDER BY t.created_at, t.id) FROM (
      SELECT ${commentJsonColumns('c', 'ca')},
        (SELECT json_agg(r ORDER BY r.created_at, r.id) FROM (
          SELECT ${commentJsonColumns('rc', 'ra')} FROM comments rc JOIN members ra ON ra.id = rc.author_id
          WHERE rc.post_id = c.post_id AND rc.parent_id = c.id AND rc.deleted_at IS NULL) r) AS replies
      FROM comments c JOIN members ca ON ca.id = c.author_id
      WHERE c.post_id = p.id AND c.parent_id IS NULL AND (c.deleted_at IS NULL OR ${hasLiveReplies}) ${keyset}
      ORDER BY c.created_at, c.id LIMIT ${limit + 1}) t) AS comments`;
}
