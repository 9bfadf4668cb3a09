import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLocalDiskStorage } from './local-disk.ts';
import { createS3Storage } from './s3.ts';
import { startS3Server } from './s3-test-server.ts';
import { createStorage, type Storage } from './storage.ts';

/** The same contract, whatever the driver. */
function contract(name: string, open: () => Promise<Storage>) {
  describe(`${name} storage`, () => {
    let storage: Storage;
    beforeAll(async () => {
      storage = await open();
    });
    afterAll(async () => storage?.close());

    it('stores, reads back with its size, lists and deletes objects', async () => {
      await storage.put('AbCdEf0123456789_-xyzQ/w320.webp', Buffer.from('small'), 'image/webp');
      await storage.put('AbCdEf0123456789_-xyzQ/w640.webp', Buffer.from('larger one'), 'image/webp');
      const object = await storage.get('AbCdEf0123456789_-xyzQ/w640.webp');
      expect(object?.size).toBe(10);
      expect(await text(object!.body)).toBe('larger one');
      expect(await storage.list('AbCdEf0123456789_-xyzQ')).toEqual(['AbCdEf0123456789_-xyzQ/w320.webp', 'AbCdEf0123456789_-xyzQ/w640.webp']);
      await storage.delete(['AbCdEf0123456789_-xyzQ/w320.webp', 'AbCdEf0123456789_-xyzQ/w640.webp']);
      expect(await storage.get('AbCdEf0123456789_-xyzQ/w640.webp')).toBeNull();
      expect(await storage.list('AbCdEf0123456789_-xyzQ')).toEqual([]);
    });

    it('answers null for a missing object and deletes missing objects without complaint', async () => {
      expect(await storage.get('nothing-here/w1.webp')).toBeNull();
      await expect(storage.delete(['nothing-here/w1.webp'])).resolves.toBeUndefined();
    });

    it('replaces an object written twice', async () => {
      await storage.put('twice/w1.png', Buffer.from('one'), 'image/png');
      await storage.put('twice/w1.png', Buffer.from('two'), 'image/png');
      expect(await text((await storage.get('twice/w1.png'))!.body)).toBe('two');
      await storage.delete(['twice/w1.png']);
    });

    it('refuses keys that could leave its root', async () => {
      for (const key of ['../etc/passwd', 'a/../../b', '/abs/w1.webp', 'a/b/c', 'a\\b/c', 'a/', '', 'a/..']) {
        await expect(storage.put(key, Buffer.from('x'), 'image/webp'), key).rejects.toThrow(/invalid storage key/);
        await expect(storage.get(key), key).rejects.toThrow(/invalid storage key/);
      }
      await expect(storage.list('../x')).rejects.toThrow(/invalid storage folder/);
    });
  });
}

const localRoot = await mkdtemp(path.join(tmpdir(), 'caucus-local-storage-'));
afterAll(async () => rm(localRoot, { recursive: true, force: true }));
contract('local disk', async () => createLocalDiskStorage(localRoot));

let s3: Awaited<ReturnType<typeof startS3Server>>;
contract('S3 (against s3rver)', async () => {
  s3 = await startS3Server();
  return createS3Storage({ bucket: s3.bucket, endpoint: s3.endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true });
});
afterAll(async () => s3?.stop());

describe('the local driver on disk', () => {
  it('spreads folders by their first two characters and leaves no temporary file', async () => {
    const storage = createLocalDiskStorage(localRoot);
    await storage.put('Zq12345678901234567890/w96.webp', Buffer.from('x'), 'image/webp');
    expect(await readdir(path.join(localRoot, 'Zq', 'Zq12345678901234567890'))).toEqual(['w96.webp']);
    await storage.delete(['Zq12345678901234567890/w96.webp']);
    // The emptied folder goes with its last file.
    expect(await readdir(path.join(localRoot, 'Zq'))).toEqual([]);
  });

  it('is the default; S3 is chosen by S3_BUCKET', async () => {
    expect((await createStorage(loadConfig({ DATA_DIR: localRoot }))).driver).toBe('local');
    const config = loadConfig({ S3_BUCKET: 'b', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's' });
    expect(config.media.s3).toMatchObject({ bucket: 'b', forcePathStyle: true, region: 'us-east-1' });
    expect((await createStorage(config)).driver).toBe('s3');
  });
});
