import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember } from '../../testing/test-app.ts';
import { createMediaTestApp, filesOnDisk, mediaCounts, TEST_CAP_BYTES, upload, uploadOk, type MediaTestApp } from './testing.ts';

describe('media quotas and upload rate', () => {
  let t: MediaTestApp;
  let admin: Awaited<ReturnType<typeof createMember>>;

  beforeAll(async () => {
    t = await createMediaTestApp();
    admin = await createMember(t, { role: 'admin' });
  });
  afterAll(async () => t?.close());

  const settings = (payload: object, token = admin.token) => t.request({ method: 'PATCH', url: '/api/v1/admin/media-settings', as: token, payload });
  const memberQuota = (memberId: string, quotaBytes: number | null) =>
    t.request({ method: 'PUT', url: `/api/v1/admin/members/${memberId}/media-quota`, as: admin.token, payload: { quotaBytes } });
  const myQuota = async (token: string) => (await t.request({ method: 'GET', url: '/api/v1/me/media-quota', as: token })).json();

  it('lets admins read and change the per-member quota and upload rate, and nobody else', async () => {
    const read = await t.request({ method: 'GET', url: '/api/v1/admin/media-settings', as: admin.token });
    expect(read.json()).toEqual({ maxUploadBytes: TEST_CAP_BYTES, quotaBytes: 500 * 1024 * 1024, uploadsPerHour: 60 });
    expect((await settings({ quotaBytes: 200 * 1024 * 1024 })).json().quotaBytes).toBe(200 * 1024 * 1024);
    expect((await settings({ uploadsPerHour: 0 })).statusCode).toBe(400);
    expect((await settings({ quotaBytes: -1 })).statusCode).toBe(400);
    expect((await settings({ maxUploadBytes: 1 })).statusCode).toBe(400);
    const member = await createMember(t);
    expect((await settings({ quotaBytes: 1 }, member.token)).statusCode).toBe(403);
    expect((await t.request({ method: 'GET', url: '/api/v1/admin/media-settings', as: member.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'PUT', url: `/api/v1/admin/members/${admin.id}/media-quota`, as: member.token, payload: { quotaBytes: 1 } })).statusCode).toBe(403);
    expect((await memberQuota('01890000-0000-7000-8000-000000000000', 1)).statusCode).toBe(404);
  });

  it('limits how many uploads a member starts in an hour, refused ones included', async () => {
    expect((await settings({ uploadsPerHour: 3 })).statusCode).toBe(200);
    const member = await createMember(t);
    for (let i = 0; i < 3; i++) expect((await upload(t, member.token, t.fixtures.empty)).statusCode).toBe(400);
    const limited = await upload(t, member.token, t.fixtures.smallJpeg);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toBe('rate_limited');
    expect(limited.headers['retry-after']).toBeDefined();
    // Per member: someone else still may.
    expect((await upload(t, (await createMember(t)).token, t.fixtures.smallJpeg)).statusCode).toBe(201);
    await settings({ uploadsPerHour: 60 });
  });

  it("counts stored bytes against the member's quota, refuses past it with nothing left behind, and gives them back on delete", async () => {
    const member = await createMember(t);
    const first = await uploadOk(t, member.token, t.fixtures.smallJpeg);
    const used = (await myQuota(member.token)).usedBytes;
    expect(used).toBeGreaterThan(0);

    // Room left, but not for this image: refused once processed, and nothing of it stays.
    expect((await memberQuota(member.id, used + 10)).json()).toEqual({ usedBytes: used, quotaBytes: used + 10, custom: true, maxUploadBytes: TEST_CAP_BYTES });
    const before = { counts: await mediaCounts(t), files: await filesOnDisk(t.dataDir) };
    const over = await upload(t, member.token, t.fixtures.smallJpeg);
    expect(over.statusCode).toBe(413);
    expect(over.json().error).toBe('quota_exceeded');
    expect(over.json().fields.file.message).toMatch(/quota/);
    expect(await mediaCounts(t)).toEqual(before.counts);
    expect(await filesOnDisk(t.dataDir)).toEqual(before.files);

    // No room at all: refused before a byte is read.
    await memberQuota(member.id, used);
    expect((await upload(t, member.token, t.fixtures.smallJpeg)).json().error).toBe('quota_exceeded');

    // Deleting an image gives its bytes back.
    expect((await t.request({ method: 'DELETE', url: `/api/v1/media/${first.id}`, as: member.token })).statusCode).toBe(200);
    expect((await myQuota(member.token)).usedBytes).toBe(0);
    expect((await upload(t, member.token, t.fixtures.smallJpeg)).statusCode).toBe(201);

    // Back to the network's default.
    expect((await memberQuota(member.id, null)).json()).toMatchObject({ custom: false, quotaBytes: 200 * 1024 * 1024 });
  });

  it('holds the quota when uploads race: of three at once with room for one, one is stored', async () => {
    const member = await createMember(t);
    const probe = await uploadOk(t, member.token, t.fixtures.smallJpeg);
    const size = (await myQuota(member.token)).usedBytes;
    await t.request({ method: 'DELETE', url: `/api/v1/media/${probe.id}`, as: member.token });
    await memberQuota(member.id, Math.floor(size * 1.5));
    const results = await Promise.all([1, 2, 3].map(() => upload(t, member.token, t.fixtures.smallJpeg)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 413, 413]);
    expect((await myQuota(member.token)).usedBytes).toBe(size);
  });
});
