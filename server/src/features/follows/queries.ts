import { sql } from 'kysely';
import type { DbOrTx } from '#core/db.ts';

export function profileSubjectByHandle(db: DbOrTx, handle: string) {
  return db.selectFrom('members').select(['id', 'profile_visibility', 'email_verified_at']).where(sql<string>`lower(handle)`, '=', handle.toLowerCase()).executeTakeFirst();
}

/** Inserts the follow; false when it already existed. */
export async function insertFollow(tx: DbOrTx, followerId: string, followeeId: string): Promise<boolean> {
  const row = await tx.insertInto('follows').values({ follower_id: followerId, followee_id: followeeId })
    .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
    .returning('follower_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Deletes the follow; false when there was none. */
export async function deleteFollow(tx: DbOrTx, followerId: string, followeeId: string): Promise<boolean> {
  const row = await tx.deleteFrom('follows').where('follower_id', '=', followerId).where('followee_id', '=', followeeId).returning('follower_id').executeTakeFirst();
  return row !== undefined;
}

export async function isFollowing(db: DbOrTx, followerId: string, followeeId: string): Promise<boolean> {
  const row = await db.selectFrom('follows').select('follower_id').where('follower_id', '=', followerId).where('followee_id', '=', followeeId).executeTakeFirst();
  return row !== undefined;
}

/** follows_followee_idx (followee_id, follower_id): an index-only count. */
export async function followerCount(db: DbOrTx, followeeId: string): Promise<number> {
  const row = await db.selectFrom('follows').select((eb) => eb.fn.countAll<number>().as('n')).where('followee_id', '=', followeeId).executeTakeFirstOrThrow();
  return Number(row.n);
}
