import type { Readable } from 'node:stream';
import path from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { createLocalDiskStorage } from './local-disk.ts';

export interface StoredObject {
  body: Readable;
  size: number;
}

/** Where uploaded files live: the local disk by default, any S3-compatible store when configured. Keys: see keys.ts. */
export interface Storage {
  readonly driver: 'local' | 's3';
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The object, or null when it does not exist. */
  get(key: string): Promise<StoredObject | null>;
  /** Deletes the objects; missing ones are no error. */
  delete(keys: readonly string[]): Promise<void>;
  /** The keys under a folder (tests and audits). */
  list(folder: string): Promise<string[]>;
  close(): Promise<void>;
}

/** The S3 client (megabytes of code) is loaded only when a network stores its media there. */
export async function createStorage(config: Config): Promise<Storage> {
  const s3 = config.media.s3;
  if (!s3) return createLocalDiskStorage(path.join(config.dataDir, 'media'));
  const { createS3Storage } = await import('./s3.ts');
  return createS3Storage(s3);
}

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage;
  }
}

/** The storage driver chosen by the configuration; a test may hand its own. */
export const storagePlugin = fp<{ config: Config; storage?: Storage }>(async (app, options) => {
  const storage = options.storage ?? await createStorage(options.config);
  app.decorate('storage', storage);
  app.addHook('onClose', async () => storage.close());
}, { name: 'storage' });
