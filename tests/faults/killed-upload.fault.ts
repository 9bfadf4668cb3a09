import { request as httpRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../shared/src/constants.ts';
import { makeMediaFixtures } from '../fixtures/media/make-fixtures.ts';
import { freePort } from '../support/postgres.ts';
import { caucus, startServer, type RunningServer } from '../support/server.ts';

// Issue 9, item 11: an upload cut off by a crash left the raw original (GPS position, owner,
// camera serial) in DATA_DIR/tmp for good. The server is killed (-9) mid-upload; started again on
// the same DATA_DIR, it has removed the partial file by the time it answers /readyz.

const EMAIL = 'militante@example.org';
const PASSWORD = 'Tulipe-Rouge-2027!';
let dataDir: string;
let env: Record<string, string>;
let server: RunningServer | undefined;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'caucus-killed-upload-'));
  env = { DATA_DIR: dataDir, PORT: String(await freePort()) };
  await caucus(['create-admin', '--email', EMAIL, '--handle', 'militante', '--name', 'Militante', '--password', PASSWORD], env);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every file under DATA_DIR/tmp, with its bytes. */
async function filesInTmp(): Promise<{ file: string; data: Buffer }[]> {
  const root = path.join(dataDir, 'tmp');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
  return Promise.all(files.map(async (file) => ({ file, data: await readFile(file).catch(() => Buffer.alloc(0)) })));
}

async function logIn(url: string): Promise<string> {
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  return cookie!.split(';')[0]!;
}

describe('an upload cut off by a killed server', () => {
  it('is removed from DATA_DIR/tmp when the server starts again', async () => {
    const fixtures = await makeMediaFixtures(path.join(dataDir, 'fixtures'), { capBytes: 1024 * 1024 });
    const photo = await readFile(fixtures.exifGpsJpeg);
    server = await startServer(env, { quiet: true });
    const cookie = await logIn(server.url);

    // Half of a phone photo with its EXIF GPS position, and the request left open.
    const form = new FormData();
    form.append('alt', 'Réunion du comité local');
    form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'phone.jpg');
    const encoded = new Response(form);
    const body = Buffer.from(await encoded.arrayBuffer());
    const upload = httpRequest(`${server.url}/api/v1/media?purpose=post`, {
      method: 'POST',
      headers: { 'content-type': encoded.headers.get('content-type')!, 'content-length': body.length, cookie, origin: server.url },
    });
    upload.on('error', () => {}); // the server dies under it
    const fileStart = body.indexOf(photo.subarray(0, 64));
    upload.write(body.subarray(0, fileStart + Math.floor(photo.length / 2)));

    let partial: { file: string; data: Buffer }[] = [];
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 25))) {
      partial = (await filesInTmp()).filter(({ data }) => data.length > 0);
      if (partial.length > 0) break;
    }
    expect(partial, 'the partial upload reached DATA_DIR/tmp').toHaveLength(1);
    // The raw original as sent, its EXIF block (GPS position included) first: what must not stay on disk.
    expect(photo.subarray(0, partial[0]!.data.length).equals(partial[0]!.data)).toBe(true);
    expect(partial[0]!.data.includes(Buffer.from('Exif\0\0', 'latin1'))).toBe(true);

    const exited = new Promise((resolve) => server!.process.once('exit', resolve));
    server.process.kill('SIGKILL');
    await exited;
    upload.destroy();
    expect((await filesInTmp()).map(({ file }) => file)).toEqual([partial[0]!.file]);

    server = await startServer(env, { quiet: true });
    expect((await filesInTmp()).map(({ file }) => file), 'nothing is left in DATA_DIR/tmp once the server is ready').toEqual([]);
  });
});
