import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import type { Image, MediaPurpose } from '@caucus/shared/schemas/media.ts';
import { createTestApp, randomIp, type TestApp } from '../../testing/test-app.ts';
import { makeMediaFixtures, type MediaFixtures } from '../../../../tests/fixtures/media/make-fixtures.ts';

// What the media tests share: an app on its own data folder (the local driver's files are real
// files there), the fixture corpus, uploads through the real multipart route.

export interface MediaTestApp extends TestApp {
  dataDir: string;
  fixtures: MediaFixtures;
}

/** The cap the tests run with: small, so that the over-cap file is small too. */
export const TEST_CAP_BYTES = 1024 * 1024;

export async function createMediaTestApp(env: Record<string, string> = {}): Promise<MediaTestApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'caucus-media-test-'));
  const fixtures = await makeMediaFixtures(path.join(dataDir, 'fixtures'), { capBytes: TEST_CAP_BYTES });
  const t = await createTestApp({ DATA_DIR: dataDir, MEDIA_MAX_BYTES: String(TEST_CAP_BYTES), ...env });
  return {
    ...t,
    dataDir,
    fixtures,
    async close() {
      await t.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A multipart body as a browser's FormData makes it: the fields in order, then the file. */
export async function multipart(fields: Record<string, string>, file?: { data: Buffer; filename: string; type?: string }): Promise<{ payload: Buffer; contentType: string }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type ?? 'application/octet-stream' }), file.filename);
  const encoded = new Response(form);
  return { payload: Buffer.from(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type')! };
}

export async function upload(
  t: TestApp,
  token: string,
  file: string | null,
  options: { purpose?: MediaPurpose; alt?: string | null; filename?: string } = {},
): Promise<LightMyRequestResponse> {
  const fields: Record<string, string> = {};
  if (options.alt !== null) fields.alt = options.alt ?? 'Des militants devant la mairie';
  const body = await multipart(fields, file ? { data: await readFile(file), filename: options.filename ?? path.basename(file) } : undefined);
  return t.request({
    method: 'POST',
    url: `/api/v1/media?purpose=${options.purpose ?? 'post'}`,
    as: token,
    headers: { 'content-type': body.contentType },
    payload: body.payload,
    remoteAddress: randomIp(),
  });
}

/** Uploads and expects a 201. */
export async function uploadOk(t: TestApp, token: string, file: string, options: Parameters<typeof upload>[3] = {}): Promise<Image> {
  const response = await upload(t, token, file, options);
  if (response.statusCode !== 201) throw new Error(`upload failed: ${response.statusCode} ${response.body}`);
  return response.json<Image>();
}

/** Every file the local driver holds (temporary files included: none may linger). */
export async function filesOnDisk(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, 'media');
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name))).sort();
}

/** The media tables' rows and the member's counted usage: a refused upload must leave them as they were. */
export async function mediaCounts(t: TestApp) {
  const { rows } = await sql<{ media: number; trash: number; used: number }>`
    SELECT (SELECT count(*) FROM media)::int AS media, (SELECT count(*) FROM media_trash)::int AS trash,
      (SELECT coalesce(sum(used_bytes), 0) FROM media_quotas)::int AS used`.execute(t.db.db);
  return rows[0]!;
}

/** Fetches a variant as a browser would, with or without a session. */
export function fetchMedia(t: TestApp, url: string, token?: string | null, headers: Record<string, string> = {}) {
  return t.request({ method: 'GET', url, as: token ?? null, headers });
}
