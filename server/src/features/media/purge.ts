import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '#core/db.ts';
import type { Storage } from '#core/storage/storage.ts';
import * as q from './queries.ts';

declare module '#core/jobs.ts' {
  interface JobPayloads {
    /** Deletes from storage what the database let go of (see purgeMedia). */
    'media.purge': Record<string, never>;
  }
}

/** An upload not put to use within a day is abandoned. */
export const ABANDONED_AFTER_SECONDS = 24 * 60 * 60;
const BATCH = 100;

export interface PurgeReport {
  fromDeletedPosts: number;
  abandoned: number;
  objectsDeleted: number;
}

/**
 * The media purge, run by the job queue (on demand after a delete, and every few minutes): images
 * of soft-deleted posts and abandoned uploads are deleted from the database, which moves their
 * keys to the trash (a trigger, so an erased account's images go the same way); then the trash is
 * emptied from storage, a batch at a time, each key forgotten only once its files are gone.
 */
export async function purgeMedia(deps: { db: Db; storage: Storage; log: FastifyBaseLogger }): Promise<PurgeReport> {
  const { db, storage, log } = deps;
  const fromDeletedPosts = await q.deleteImagesOfDeletedPosts(db);
  const abandoned = await q.deleteAbandonedUploads(db, ABANDONED_AFTER_SECONDS);
  let objectsDeleted = 0;
  for (;;) {
    const batch = await q.trashBatch(db, BATCH);
    if (batch.length === 0) break;
    const keys = batch.flatMap((row) => row.names.map((name) => `${row.storage_key}/${name}`));
    await storage.delete(keys);
    await q.forgetTrash(db, batch.map((row) => row.storage_key));
    objectsDeleted += keys.length;
    if (batch.length < BATCH) break;
  }
  if (fromDeletedPosts + abandoned + objectsDeleted > 0) log.info({ fromDeletedPosts, abandoned, objectsDeleted }, 'media purged');
  return { fromDeletedPosts, abandoned, objectsDeleted };
}
