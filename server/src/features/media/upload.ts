import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import { MEDIA_LIMITS, type Image, type MediaPurpose } from '@caucus/shared/schemas/media.ts';
import type { Config } from '#core/config.ts';
import type { Db } from '#core/db.ts';
import { fieldError, forbidden, unauthenticated } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { canUploadMedia, isMember, type MaybeViewer, type Viewer } from '#core/policy.ts';
import { hitRateLimit } from '#core/rate-limit.ts';
import type { Storage } from '#core/storage/storage.ts';
import { presentImage } from './present.ts';
import type { ProcessedImage } from './processing.ts';
import * as q from './queries.ts';
import { formatBytes, receiveUpload } from './receive.ts';
import type { MediaWorkers } from './worker-pool.ts';

export interface UploadDeps {
  db: Db;
  storage: Storage;
  config: Config;
  workers: MediaWorkers;
  log: FastifyBaseLogger;
}

const quotaExceeded = (quota: number) =>
  fieldError(413, 'file', 'quota_exceeded', `This image would take your images past your quota of ${formatBytes(quota)}: delete some before adding more.`);

/** 128 random bits: the object key says nothing of who uploaded what, or when. */
const newStorageKey = () => randomBytes(16).toString('base64url');

/**
 * An upload, start to end: who may (policy), how often (rate limit), how much (quota, checked
 * before a byte is read and again, atomically, when the row is written), the bytes streamed to a
 * temporary file under the cap, processed by the worker processes, the variants stored, the row written.
 * A refusal at any step leaves no object and no row behind.
 */
export function createUploadService(deps: UploadDeps) {
  const { db, storage, config, workers, log } = deps;

  async function checkAllowed(viewer: MaybeViewer, purpose: MediaPurpose): Promise<{ viewer: Viewer; quota: number }> {
    if (!viewer) throw unauthenticated();
    if (!canUploadMedia(viewer, purpose)) {
      throw forbidden(isMember(viewer) ? 'Only the network team may change its logo and icon.' : 'Confirm your e-mail address to upload images.');
    }
    const settings = await q.mediaSettings(db);
    await hitRateLimit(db, { name: 'media:upload', limit: settings.media_uploads_per_hour, windowSeconds: 60 * 60 }, viewer.id);
    const usage = await q.usageOf(db, viewer.id);
    const quota = usage.quota_bytes ?? settings.media_quota_bytes;
    if (usage.used_bytes >= quota) throw quotaExceeded(quota);
    return { viewer, quota };
  }

  async function store(processed: ProcessedImage): Promise<{ storageKey: string; keys: string[] }> {
    const storageKey = newStorageKey();
    const keys = processed.variants.map((v) => `${storageKey}/${v.name}`);
    try {
      await Promise.all(processed.variants.map((v, i) => storage.put(keys[i]!, v.data, v.type)));
    } catch (error) {
      await forget(keys);
      throw error;
    }
    return { storageKey, keys };
  }

  async function forget(keys: string[]): Promise<void> {
    await storage.delete(keys).catch((error: unknown) => log.error({ err: error, keys }, 'could not delete the objects of a failed upload'));
  }

  return {
    async upload(viewerOrNull: MaybeViewer, purpose: MediaPurpose, request: FastifyRequest): Promise<Image> {
      const { viewer, quota } = await checkAllowed(viewerOrNull, purpose);
      const received = await receiveUpload(request, config.media.maxBytes, path.join(config.dataDir, 'tmp'));
      let processed: ProcessedImage;
      let alt: string;
      try {
        alt = (received.fields.alt ?? '').trim();
        if (!alt) throw fieldError(400, 'alt', 'required', 'Describe the image for those who cannot see it (alt text).');
        if (alt.length > MEDIA_LIMITS.altMax) throw fieldError(400, 'alt', 'too_long', `Keep the description under ${MEDIA_LIMITS.altMax} characters.`, { max: MEDIA_LIMITS.altMax });
        if (!received.file) throw fieldError(400, 'file', 'required', 'Choose an image to upload.');
        processed = await workers.process(received.file, received.size, purpose, config.media.maxPixels);
      } finally {
        await received.discard();
      }

      const bytes = processed.variants.reduce((sum, v) => sum + v.data.length, 0);
      const { storageKey, keys } = await store(processed);
      try {
        const row = await db.transaction().execute(async (tx) => {
          const usage = await q.addUsage(tx, viewer.id, bytes);
          if (usage.used_bytes > (usage.quota_bytes ?? quota)) throw quotaExceeded(usage.quota_bytes ?? quota);
          return q.insertMedia(tx, {
            id: newId(),
            ownerId: viewer.id,
            purpose,
            storageKey,
            alt,
            width: processed.width,
            height: processed.height,
            animated: processed.animated,
            placeholder: processed.placeholder,
            variants: processed.variants.map(({ name, width, height, type, data }) => ({ name, width, height, type, bytes: data.length })),
            bytes,
          });
        });
        return presentImage(row);
      } catch (error) {
        await forget(keys);
        throw error;
      }
    },
  };
}
export type UploadService = ReturnType<typeof createUploadService>;
