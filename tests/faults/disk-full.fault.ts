import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmdirSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/postgres.ts';
import { caucus, startServer, type RunningServer } from '../support/server.ts';

// Issue 9, item 12: a full disk used to give a generic 500 "Try again", /readyz still said ready,
// and a request once hung over 10 s. DATA_DIR here is a small tmpfs of its own holding everything
// of a `caucus serve` on the embedded engine: its database (DATA_DIR/db) and the uploads
// (DATA_DIR/tmp, DATA_DIR/media). Filled up, writes are a 507 that says what to do, at once;
// /readyz says "disk full"; freed, it all works again without a restart.
const PASSWORD = 'Tulipe-Rouge-2027!';
const DISK_FULL = { error: 'disk_full', message: 'The server has no disk space left, so nothing new can be saved: the network team must free space. Reading still works.' };
// A 1 × 1 PNG: tiny, but its upload still needs a block of the full disk.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
/** No request may hang on a full disk. */
const ANSWER_WITHIN_MS = 5_000;

function mountTmpfs(): string | null {
  const dir = mkdtempSync(path.join(tmpdir(), 'caucus-fault-disk-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=128m', 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status === 0) return dir;
  rmdirSync(dir);
  console.warn(`disk-full fault test skipped: cannot mount a tmpfs here (${(mounted.stderr || mounted.error?.message || '').trim()}); it needs root.`);
  return null;
}

const dataDir = process.getuid?.() === 0 ? mountTmpfs() : (console.warn('disk-full fault test skipped: mounting a tmpfs needs root.'), null);

describe.skipIf(!dataDir)('a full disk under caucus serve on the embedded engine', () => {
  let server: RunningServer;
  let cookie: string;
  const filler = path.join(dataDir ?? '', 'filler');

  async function call(method: string, url: string, body?: object | FormData) {
    const started = Date.now();
    try {
      const response = await fetch(`${server.url}${url}`, {
        method,
        headers: { origin: server.url, cookie, ...(body && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, ms: Date.now() - started };
    } catch (error) {
      throw new Error(`${method} ${url} failed after ${Date.now() - started} ms: ${(error as Error).message}`, { cause: error });
    }
  }

  const post = (text: string) => call('POST', '/api/v1/walls/network/posts', { body: text });
  const upload = (bytes: Buffer = PNG) => {
    const form = new FormData();
    form.set('alt', 'Un point rouge');
    form.set('file', new Blob([bytes], { type: 'image/png' }), 'point.png');
    return call('POST', '/api/v1/media?purpose=post', form);
  };

  /** Takes every free block of the file system: fallocate for the bulk, then appends until ENOSPC. */
  function fillDisk() {
    const { bavail, bsize } = statfsSync(dataDir!);
    execFileSync('fallocate', ['-l', String(Math.max(bsize, (bavail - 1) * bsize)), filler]);
    try {
      for (;;) appendFileSync(filler, Buffer.alloc(bsize));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    }
  }

  beforeAll(async () => {
    const env = { DATA_DIR: dataDir!, DATABASE_URL: '', RATE_LIMIT_POSTS_PER_MINUTE: '1000' };
    await caucus(['create-admin', '--email', 'camille@example.org', '--handle', 'camille', '--name', 'Camille', '--password', PASSWORD], env);
    server = await startServer({ ...env, PORT: String(await freePort()) }, { quiet: true });
    const response = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { origin: server.url, 'content-type': 'application/json' }, body: JSON.stringify({ email: 'camille@example.org', password: PASSWORD }) });
    expect(response.status).toBe(200);
    cookie = response.headers.getSetCookie().map((c) => c.split(';')[0] ?? '').find((c) => c.startsWith('caucus_session='))!;
  });

  afterAll(async () => {
    await server?.stop();
    spawnSync('umount', [dataDir!]);
    rmSync(dataDir!, { recursive: true, force: true });
  });

  it('writes are a 507 that says what to do, at once; /readyz says disk full; freed, everything works again without a restart', async () => {
    expect((await post('Avant : le disque a de la place')).status).toBe(201);
    fillDisk();

    const ready = await call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'disk full' });
    expect(ready.ms).toBeLessThan(2_000);

    // The upload lands in DATA_DIR/tmp first: refused on its first block, small or large (the
    // answer does not wait for the rest of the body).
    for (const bytes of [PNG, Buffer.concat([PNG, Buffer.alloc(4 * 1024 * 1024)])]) {
      const refusedUpload = await upload(bytes);
      expect(refusedUpload.status, JSON.stringify(refusedUpload.body)).toBe(507);
      expect(refusedUpload.body).toEqual(DISK_FULL);
    }

    // A post fits while the database's last page has room; the first that needs a new one is a 507.
    const long = 'Compte rendu de la réunion de section : tractage, porte-à-porte, affiches. '.repeat(130).slice(0, 9_500);
    let refusedPost: Awaited<ReturnType<typeof post>> | undefined;
    for (let attempt = 0; attempt < 60 && !refusedPost; attempt++) {
      const response = await post(`${attempt} ${long}`);
      expect([201, 507], JSON.stringify(response.body)).toContain(response.status);
      if (response.status === 507) refusedPost = response;
    }
    expect(refusedPost, 'no post was refused on a full disk').toBeDefined();
    expect(refusedPost!.body).toEqual(DISK_FULL);
    // Reading still works.
    expect((await call('GET', '/api/v1/walls/network/posts')).status).toBe(200);

    rmSync(filler);
    const readyAgain = await call('GET', '/readyz');
    expect(readyAgain.status, JSON.stringify(readyAgain.body)).toBe(200);
    expect((await post('Après : le disque a de nouveau de la place')).status).toBe(201);
    const uploaded = await upload();
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
    expect(server.process.exitCode).toBeNull();
  });
});
