import type { Readable } from 'node:stream';
import path from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from '../config.ts';
import { createLocalDiskStorage } from './local-disk.ts';
import { createS3Storage } from './s3.ts';

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

export function createStorage(config: Config): Storage {
  const s3 = config.media.s3;
  return s3 ? createS3Storage(s3) : createLocalDiskStorage(path.join(config.dataDir, 'media'));
}

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage;
  }
}

/** The storage driver chosen by the configuration; a test may hand its own. */
export const storagePlugin = fp<{ config: Config; storage?: Storage }>(async (app, options) => {
  const storage = options.storage ?? createStorage(options.config);
  app.decorate('storage', storage);
  app.addHook('onClose', async () => storage.close());
}, { name: 'storage' });
