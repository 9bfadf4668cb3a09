import { spawnSync } from 'node:child_process';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '#core/config.ts';
import { createMember } from '../../testing/test-app.ts';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import { createMediaTestApp, multipart, type MediaTestApp } from './testing.ts';
import { createUploadFolder, STALE_AFTER_MS, sweepUploadTmp, touchUploadFolders, uploadTmpSweep } from './tmp-sweep.ts';

// DATA_DIR/tmp is swept of uploads no live process is receiving (issue 9, item 11): a raw original
// keeps its GPS position, owner and camera serial, and must not stay on disk for good.

const dirs: string[] = [];
async function newTmpRoot(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'caucus-tmp-sweep-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** A pid that certainly belonged to a process of this host, now ended. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** This process's host and pid namespace, as its upload folders spell them. */
async function ownNameParts(): Promise<string[]> {
  const folder = await createUploadFolder(await newTmpRoot());
  await folder.release();
  return path.basename(folder.dir).split('~');
}

/** The upload folder another process would make: same host and pid namespace unless told, its pid and boot. */
async function folderOf(tmpRoot: string, pid: number, boot = 'a1b2c3d4e5f6', host?: string): Promise<string> {
  const own = await ownNameParts();
  return path.join(tmpRoot, ['p', host ?? own[1], own[2], pid, boot, 'Xy12Zt'].join('~'));
}

/** A partial upload in `folder`, last touched `ageMs` ago. */
async function withUpload(folder: string | Promise<string>, ageMs = 0): Promise<string> {
  const file = path.join(await folder, 'upload');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, 'raw original, GPS and all');
  const then = new Date(Date.now() - ageMs);
  await utimes(path.dirname(file), then, then);
  return file;
}

/** An upload this process is receiving, last touched `ageMs` ago. */
async function ownUpload(tmpRoot: string, ageMs = 0): Promise<string> {
  const folder = await createUploadFolder(tmpRoot);
  return withUpload(folder.dir, ageMs);
}

const nameOf = (file: string) => path.basename(path.dirname(file));

const exists = (file: string) => stat(file).then(() => true, () => false);

describe('sweepUploadTmp', () => {
  it('removes at once the folder of a process of this host that has ended, and of an earlier process with our pid', async () => {
    const root = await newTmpRoot();
    const ended = await withUpload(folderOf(root, deadPid()));
    const earlierSelf = await withUpload(folderOf(root, process.pid, 'earlierboot1'));
    const removed = await sweepUploadTmp(root);
    expect(removed).toHaveLength(2);
    expect(await exists(ended)).toBe(false);
    expect(await exists(earlierSelf)).toBe(false);
  });

  it('keeps what a live process is receiving: its own uploads, and a fresh folder of another live process or host', async () => {
    const root = await newTmpRoot();
    const own = await ownUpload(root);
    const liveParent = await withUpload(folderOf(root, process.ppid));
    const otherHost = await withUpload(folderOf(root, deadPid(), 'b1b2b3b4b5b6', `not-${hostname()}`));
    expect(await sweepUploadTmp(root)).toEqual([]);
    for (const file of [own, liveParent, otherHost]) expect(await exists(file)).toBe(true);
  });

  it('removes by age what it cannot prove alive: a live pid (perhaps reused) or another host silent for longer than STALE_AFTER_MS, and older files', async () => {
    const root = await newTmpRoot();
    const stalePid = await withUpload(folderOf(root, process.ppid), STALE_AFTER_MS + 60_000);
    const staleHost = await withUpload(folderOf(root, 1, 'c1c2c3c4c5c6', `not-${hostname()}`), STALE_AFTER_MS + 60_000);
    const legacy = path.join(root, 'upload-old', 'upload');
    await mkdir(path.dirname(legacy));
    await writeFile(legacy, 'left by an older version');
    const fresh = path.join(root, 'upload-new');
    await mkdir(fresh);
    const then = new Date(Date.now() - STALE_AFTER_MS - 1000);
    await utimes(path.dirname(legacy), then, then);
    expect((await sweepUploadTmp(root)).sort()).toEqual([nameOf(stalePid), nameOf(staleHost), 'upload-old'].sort());
    expect(await exists(fresh)).toBe(true);
  });

  it('keeps this process\'s own uploads fresh by touching them (its heartbeat), however long they take', async () => {
    const root = await newTmpRoot();
    const own = await ownUpload(root, STALE_AFTER_MS * 3);
    await touchUploadFolders();
    expect(await sweepUploadTmp(root)).toEqual([]);
    expect(await exists(own)).toBe(true);
  });

  it('is quiet when DATA_DIR/tmp does not exist yet', async () => {
    expect(await sweepUploadTmp(path.join(await newTmpRoot(), 'tmp'))).toEqual([]);
  });
});

describe('the sweep in a running app', () => {
  /** The sweep alone on a bare Fastify (the whole app's start and stop are the fault test's: tests/faults/killed-upload.fault.ts). */
  async function appWithSweep(dataDir: string, everyMs?: number) {
    const app = Fastify();
    app.decorate('config', { dataDir } as Config);
    await app.register(uploadTmpSweep, everyMs ? { everyMs } : {});
    return app;
  }

  it('removes an upload abandoned by a dead process before the app is ready', async () => {
    const dataDir = await newTmpRoot();
    const orphan = await withUpload(folderOf(path.join(dataDir, 'tmp'), deadPid()));
    const app = await appWithSweep(dataDir);
    try {
      await app.ready();
      expect(await exists(orphan)).toBe(false);
      expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('sweeps again on its schedule: a folder that goes stale while the app runs is removed', async () => {
    const dataDir = await newTmpRoot();
    const app = await appWithSweep(dataDir, 100);
    await app.ready();
    try {
      const stale = await withUpload(folderOf(path.join(dataDir, 'tmp'), process.ppid), STALE_AFTER_MS + 1000);
      const deadline = Date.now() + 5000;
      while ((await exists(stale)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await exists(stale)).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe('an upload cut off in a live process', () => {
  let t: MediaTestApp;
  let token: string;
  let origin: string;
  let open: ClientRequest | undefined;

  beforeAll(async () => {
    t = await createMediaTestApp();
    token = (await createMember(t)).token;
    origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(() => open?.destroy());
  afterAll(async () => t?.close());

  /** Files being received, under DATA_DIR/tmp. */
  const receiving = async () => {
    const entries = await readdir(path.join(t.dataDir, 'tmp'), { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  };

  it('removes its temporary file as soon as the client goes away', async () => {
    const { payload, contentType } = await multipart({ alt: 'Une photo prise en manifestation' }, { data: Buffer.alloc(600_000, 0x5a), filename: 'phone.jpg', type: 'image/jpeg' });
    const url = new URL('/api/v1/media?purpose=post', origin);
    open = httpRequest(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': payload.length, cookie: `${SESSION_COOKIE}=${token}`, origin: t.config.publicUrl.origin } });
    open.on('error', () => {}); // the reset we cause
    open.write(payload.subarray(0, payload.length / 2));

    let partial: string[] = [];
    for (const deadline = Date.now() + 10_000; partial.length === 0 && Date.now() < deadline;) {
      partial = await receiving();
      if (partial.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(partial, 'the upload reached DATA_DIR/tmp').toHaveLength(1);

    open.destroy();
    const deadline = Date.now() + 5000;
    while ((await receiving()).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(await receiving()).toEqual([]);
  });
});
