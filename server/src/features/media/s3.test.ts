import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3Server, type S3TestServer } from '../../core/storage/s3-test-server.ts';
import { createMember } from '../../testing/test-app.ts';
import { createMediaTestApp, fetchMedia, filesOnDisk, upload, uploadOk, type MediaTestApp } from './testing.ts';

// The whole pipeline with the S3 driver, against a real S3-compatible server on loopback.

describe('media on an S3-compatible store', () => {
  let s3: S3TestServer;
  let t: MediaTestApp;

  beforeAll(async () => {
    s3 = await startS3Server();
    t = await createMediaTestApp(s3.env);
    await t.app.jobs.startWorkers();
  });
  afterAll(async () => {
    await t?.close();
    await s3?.stop();
  });

  it('stores the variants in the bucket (nothing on disk) and serves them through /media, stripped and upright', async () => {
    expect(t.app.storage.driver).toBe('s3');
    const member = await createMember(t);
    const image = await uploadOk(t, member.token, t.fixtures.exifGpsJpeg);
    const key = image.variants[0]!.url.split('/')[2]!;
    expect(await s3.keys()).toEqual(image.variants.map((v) => `${key}/${v.url.split('/')[3]}`).sort());
    expect(await filesOnDisk(t.dataDir)).toEqual([]);
    for (const variant of image.variants) {
      const response = await fetchMedia(t, variant.url, member.token);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('image/webp');
      const meta = await sharp(response.rawPayload).metadata();
      expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
      expect(meta.exif).toBeUndefined();
    }
    expect((await fetchMedia(t, image.variants[0]!.url, null)).statusCode).toBe(404);
  });

  it('leaves nothing in the bucket for a refused file', async () => {
    const member = await createMember(t);
    const before = await s3.keys();
    for (const fixture of ['truncatedJpeg', 'zipAsJpeg', 'hugeDimensionsPng', 'overCap'] as const) {
      expect((await upload(t, member.token, t.fixtures[fixture])).statusCode, fixture).toBeGreaterThanOrEqual(400);
    }
    expect(await s3.keys()).toEqual(before);
  });

  it('deletes a replaced avatar from the bucket by the purge job', async () => {
    const member = await createMember(t);
    const first = await uploadOk(t, member.token, t.fixtures.smallJpeg, { purpose: 'avatar' });
    const second = await uploadOk(t, member.token, t.fixtures.webp, { purpose: 'avatar' });
    const firstKey = first.variants[0]!.url.split('/')[2]!;
    await t.request({ method: 'PUT', url: '/api/v1/me/avatar', as: member.token, payload: { imageId: first.id } });
    expect((await s3.keys()).some((k) => k.startsWith(firstKey))).toBe(true);
    await t.request({ method: 'PUT', url: '/api/v1/me/avatar', as: member.token, payload: { imageId: second.id } });
    const deadline = Date.now() + 20_000;
    while ((await s3.keys()).some((k) => k.startsWith(firstKey))) {
      if (Date.now() > deadline) throw new Error('the replaced avatar is still in the bucket');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await s3.keys()).some((k) => k.startsWith(second.variants[0]!.url.split('/')[2]!))).toBe(true);
  });
});
