import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image } from '@caucus/shared/schemas/media.ts';
import { createMember, sessionFor } from '../../testing/test-app.ts';
import { createMediaTestApp, fetchMedia, filesOnDisk, mediaCounts, multipart, TEST_CAP_BYTES, upload, uploadOk, type MediaTestApp } from './testing.ts';


/** This process's media workers (worker-pool.ts), by their parent and their script. */
async function workerPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent !== process.pid) continue;
    const command = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (command.includes('processing-worker')) pids.push(Number(entry));
  }
  return pids;
}

describe('media upload: bad input', () => {
  let t: MediaTestApp;
  let token: string;

  beforeAll(async () => {
    t = await createMediaTestApp();
    token = (await createMember(t)).token;
  });
  afterAll(async () => t?.close());

  /** Uploads being received sit in DATA_DIR/tmp until processed. */
  const uploadDirs = async () => readdir(path.join(t.dataDir, 'tmp')).catch(() => []);

  const refusals = [
    ['a truncated JPEG', 'truncatedJpeg', 400, 'invalid_input', /damaged or incomplete/],
    ['a zero-byte file', 'empty', 400, 'required', /empty/],
    ['a ZIP renamed .jpg', 'zipAsJpeg', 415, 'unsupported_media_type', /not an image we accept/],
    ['an SVG with a script renamed .png', 'svgScriptAsPng', 415, 'unsupported_media_type', /not an image we accept/],
    ['an HTML page with a script renamed .png', 'htmlScriptAsPng', 415, 'unsupported_media_type', /not an image we accept/],
    ['a PNG declaring 30,000 × 30,000 pixels', 'hugeDimensionsPng', 400, 'out_of_range', /30000 × 30000 pixels \(900 megapixels\); the most accepted is 50 megapixels/],
    ['a GIF of 3,000 frames', 'thousandsOfFramesGif', 400, 'out_of_range', /3000 frames; the most accepted is 300/],
    ['a file over the size cap', 'overCap', 413, 'payload_too_large', /larger than 1 MB/],
  ] as const;

  for (const [what, fixture, status, code, message] of refusals) {
    it(`refuses ${what} with a clear message, leaving no object, no row, no temporary file`, async () => {
      const before = { counts: await mediaCounts(t), files: await filesOnDisk(t.dataDir), temporary: await uploadDirs() };
      const response = await upload(t, token, t.fixtures[fixture]);
      expect(response.statusCode, response.body).toBe(status);
      const body = response.json();
      expect(body.error).toBe(code);
      expect(body.fields.file.message).toMatch(message);
      expect(await mediaCounts(t)).toEqual(before.counts);
      expect(await filesOnDisk(t.dataDir)).toEqual(before.files);
      expect(await uploadDirs()).toEqual(before.temporary);
    });
  }

  it('stops reading an upload over the cap as the bytes arrive, and refuses a declared length over it before reading', async () => {
    // Declared: refused without a byte read (the body is never parsed).
    const declared = await t.request({ method: 'POST', url: '/api/v1/media?purpose=post', as: token, headers: { 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(TEST_CAP_BYTES * 3) }, payload: 'x' });
    expect(declared.statusCode).toBe(413);
    // Streamed without a length (chunked): cut at the cap.
    const { payload, contentType } = await multipart({ alt: 'Bruit' }, { data: Buffer.alloc(TEST_CAP_BYTES * 2, 0xff), filename: 'big.jpg' });
    const { Readable } = await import('node:stream');
    const streamed = await t.request({ method: 'POST', url: '/api/v1/media?purpose=post', as: token, headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' }, payload: Readable.from([payload.subarray(0, 500_000), payload.subarray(500_000)]) });
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json().error).toBe('payload_too_large');
  });

  it('recognises HEIC by its bytes and says plainly when this server cannot read it', async () => {
    const heic = path.join(t.fixtures.dir, 'photo.jpg.heic');
    const head = Buffer.alloc(64);
    head.writeUInt32BE(24, 0);
    head.write('ftypheic', 4, 'latin1');
    head.write('mif1heic', 16, 'latin1');
    await writeFile(heic, head);
    const response = await upload(t, token, heic, { filename: 'IMG_0001.HEIC' });
    expect([400, 415]).toContain(response.statusCode);
    expect(response.json().fields.file.message).toMatch(/HEIC|damaged/);
  });

  it('asks for alt text, and for a file', async () => {
    const noAlt = await upload(t, token, t.fixtures.photoJpeg, { alt: null });
    expect(noAlt.statusCode).toBe(400);
    expect(noAlt.json().fields.alt.code).toBe('required');
    const blankAlt = await upload(t, token, t.fixtures.photoJpeg, { alt: '   ' });
    expect(blankAlt.json().fields.alt.code).toBe('required');
    const longAlt = await upload(t, token, t.fixtures.photoJpeg, { alt: 'x'.repeat(1001) });
    expect(longAlt.json().fields.alt.code).toBe('too_long');
    const noFile = await upload(t, token, null);
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().fields.file.code).toBe('required');
    expect((await mediaCounts(t)).media).toBe(0);
  });

  it('refuses what is not a multipart upload, an unknown purpose, visitors and unverified members', async () => {
    const json = await t.request({ method: 'POST', url: '/api/v1/media?purpose=post', as: token, payload: { alt: 'x' } });
    expect(json.statusCode).toBe(415);
    expect(json.json().message).toMatch(/multipart\/form-data/);
    const purpose = await upload(t, token, t.fixtures.photoJpeg, { purpose: 'wallpaper' as 'post' });
    expect(purpose.statusCode).toBe(400);
    expect((await upload(t, '', t.fixtures.photoJpeg)).statusCode).toBe(401);
    const unverified = await createMember(t, { verified: false });
    expect((await upload(t, await sessionFor(t, unverified.id), t.fixtures.photoJpeg)).statusCode).toBe(403);
    expect((await upload(t, token, t.fixtures.photoJpeg, { purpose: 'logo' })).statusCode).toBe(403);
  });

  it('is not stalled by the whole bad corpus at once: every refusal comes back, and the API answers meanwhile', async () => {
    const all = refusals.map(([, fixture]) => upload(t, token, t.fixtures[fixture]));
    const started = Date.now();
    const probe = await t.request({ method: 'GET', url: '/api/v1/network' });
    expect(probe.statusCode).toBe(200);
    const statuses = (await Promise.all(all)).map((r) => r.statusCode);
    expect(statuses).toEqual(refusals.map(([, , status]) => status));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect((await mediaCounts(t)).media).toBe(0);
    expect(await filesOnDisk(t.dataDir)).toEqual([]);
    expect(await uploadDirs()).toEqual([]);
  });
});

describe('media upload: processing', () => {
  let t: MediaTestApp;
  let token: string;

  beforeAll(async () => {
    t = await createMediaTestApp();
    token = (await createMember(t)).token;
  });
  afterAll(async () => t?.close());

  const variantsOf = async (image: Image) =>
    Promise.all(image.variants.map(async (v) => {
      const response = await fetchMedia(t, v.url, token);
      expect(response.statusCode).toBe(200);
      return { variant: v, response, data: response.rawPayload };
    }));

  it('stores the EXIF photo upright, with no EXIF, GPS, XMP, IPTC or ICC left in any variant', async () => {
    const image = await uploadOk(t, token, t.fixtures.exifGpsJpeg);
    // 600 × 400 stored with orientation 6: shown, and now stored, 400 × 600.
    expect(image.width).toBe(400);
    expect(image.height).toBe(600);
    expect(image.variants.map((v) => [v.width, v.height])).toEqual([[320, 480], [400, 600]]);
    for (const { data, response, variant } of await variantsOf(image)) {
      expect(response.headers['content-type']).toBe('image/webp');
      const meta = await sharp(data).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.iptc).toBeUndefined();
      expect(meta.icc).toBeUndefined();
      expect(meta.orientation).toBeUndefined();
      expect([meta.width, meta.height]).toEqual([variant.width, variant.height]);
      for (const trace of ['PhoneMaker', 'Militant 12', 'GPS', 'Exif']) expect(data.includes(Buffer.from(trace))).toBe(false);
      // The red band, stored on top, is on the right once turned upright (90° clockwise).
      const { data: pixels, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number, y: number) => [...pixels.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
      expect(pixel(info.width - 2, info.height / 2)[0]).toBeGreaterThan(200);
      expect(pixel(2, info.height / 2)[2]).toBeGreaterThan(200);
      expect(info.height).toBeGreaterThan(info.width);
    }
  });

  it('converts colours from an embedded ICC profile to sRGB, then drops the profile', async () => {
    const image = await uploadOk(t, token, t.fixtures.displayP3Jpeg);
    const { data } = (await variantsOf(image))[0]!;
    const meta = await sharp(data).metadata();
    expect(meta.icc).toBeUndefined();
    const { data: pixels } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
    // The file holds sRGB red expressed in Display P3; read back as sRGB, it is red again.
    expect(pixels[0]).toBeGreaterThan(240);
    expect(pixels[1]).toBeLessThan(20);
    // Its numbers as stored (the profile ignored) are not red: the conversion did the work.
    const { data: asStored } = await sharp(t.fixtures.displayP3Jpeg, { ignoreIcc: true }).raw().toBuffer({ resolveWithObject: true });
    expect(asStored[1]).toBeGreaterThan(30);
  });

  it('takes PNG (keeping transparency), WebP and AVIF, and makes WebP variants no wider than the source', async () => {
    const png = await uploadOk(t, token, t.fixtures.alphaPng);
    expect(png.variants.map((v) => v.width)).toEqual([300]);
    expect((await sharp((await variantsOf(png))[0]!.data).metadata()).hasAlpha).toBe(true);
    const webp = await uploadOk(t, token, t.fixtures.webp);
    expect(webp.variants.map((v) => v.width)).toEqual([320, 500]);
    const avif = await uploadOk(t, token, t.fixtures.avif);
    expect(avif.variants.map((v) => v.type)).toEqual(['image/webp']);
    const photo = await uploadOk(t, token, t.fixtures.photoJpeg);
    expect(photo.variants.map((v) => v.width)).toEqual([320, 640, 1280, 1600]);
    expect(photo.placeholder).toMatch(/^data:image\/webp;base64,[A-Za-z0-9+/]+=*$/);
    expect(photo.placeholder!.length).toBeLessThan(600);
    expect((await sharp(Buffer.from(photo.placeholder!.split(',')[1]!, 'base64')).metadata()).width).toBeLessThanOrEqual(32);
  });

  it('keeps an animated GIF animated, as animated WebP', async () => {
    const image = await uploadOk(t, token, t.fixtures.animatedGif);
    expect(image.animated).toBe(true);
    const { data } = (await variantsOf(image))[0]!;
    const meta = await sharp(data, { animated: true }).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.pages).toBe(12);
  });

  it('crops avatars square, and makes favicons in PNG', async () => {
    const avatar = await uploadOk(t, token, t.fixtures.photoJpeg, { purpose: 'avatar' });
    expect(avatar.variants.map((v) => [v.width, v.height])).toEqual([[96, 96], [192, 192], [384, 384]]);
    const admin = await createMember(t, { role: 'admin' });
    const favicon = await uploadOk(t, admin.token, t.fixtures.photoJpeg, { purpose: 'favicon' });
    expect(favicon.variants.map((v) => `${v.type} ${v.width}`)).toEqual(['image/png 32', 'image/png 180', 'image/png 192']);
  });

  it('answers 400 and goes on when a worker process dies on an image', async () => {
    const slow = path.join(t.fixtures.dir, 'slow.png');
    await sharp({ create: { width: 7000, height: 7000, channels: 3, background: '#ffffff' } }).png().toFile(slow);
    const pending = upload(t, token, slow);
    // Whatever worker takes the image dies, as on a crash, until the upload is answered.
    let answered = false;
    void pending.finally(() => (answered = true));
    while (!answered) {
      for (const pid of await workerPids()) process.kill(pid, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 10));
    }
    const response = await pending;
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.file.message).toMatch(/could not be read/);
    expect((await upload(t, token, t.fixtures.smallJpeg)).statusCode).toBe(201);
  });

  it('keys the files by random names that say nothing of the member', async () => {
    const member = await createMember(t);
    const image = await uploadOk(t, member.token, t.fixtures.photoJpeg);
    for (const v of image.variants) {
      expect(v.url).toMatch(/^\/media\/[A-Za-z0-9_-]{22}\/w\d+\.webp$/);
      for (const hint of [member.id, member.handle, 'photo']) expect(v.url).not.toContain(hint);
    }
  });
});
