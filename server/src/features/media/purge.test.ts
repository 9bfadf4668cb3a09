import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { Image } from '@caucus/shared/schemas/media.ts';
import { createMember } from '../../testing/test-app.ts';
import { createMediaTestApp, filesOnDisk, mediaCounts, uploadOk, type MediaTestApp } from './testing.ts';

// Deleting what holds images deletes their files, by the purge job run from the real queue.

const until = async (check: () => Promise<boolean>, ms = 20_000) => {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The files of an image, on disk, by its URLs' key. */
const keyOf = (image: Image) => image.variants[0]!.url.split('/')[2]!;

describe('media purge', () => {
  let t: MediaTestApp;

  beforeAll(async () => {
    t = await createMediaTestApp();
    await t.app.jobs.startWorkers();
  });
  afterAll(async () => t?.close());

  const filesOf = async (image: Image) => (await filesOnDisk(t.dataDir)).filter((file) => file.includes(keyOf(image)));
  /** What the schedule does every few minutes. */
  const runPurge = () => t.app.jobs.send('media.purge', {});

  it("deletes a post's images from storage once the post is deleted", async () => {
    const author = await createMember(t);
    const images = [await uploadOk(t, author.token, t.fixtures.smallJpeg), await uploadOk(t, author.token, t.fixtures.webp)];
    const post = await t.request({ method: 'POST', url: `/api/v1/profiles/${author.handle}/posts`, as: author.token, payload: { body: 'Deux photos', imageIds: images.map((i) => i.id) } });
    expect(post.statusCode, post.body).toBe(201);
    expect((await filesOf(images[0]!)).length).toBe(2);
    expect((await filesOf(images[1]!)).length).toBe(2);

    expect((await t.request({ method: 'DELETE', url: `/api/v1/posts/${post.json().id}`, as: author.token })).statusCode).toBe(200);
    await runPurge();
    await until(async () => (await filesOf(images[0]!)).length === 0 && (await filesOf(images[1]!)).length === 0);
    const left = await t.db.db.selectFrom('media').select('id').where('id', 'in', images.map((i) => i.id)).execute();
    expect(left).toEqual([]);
    expect((await t.request({ method: 'GET', url: '/api/v1/me/media-quota', as: author.token })).json().usedBytes).toBe(0);
  });

  it("deletes an erased account's images from storage", async () => {
    const member = await createMember(t);
    const avatar = await uploadOk(t, member.token, t.fixtures.smallJpeg, { purpose: 'avatar' });
    await t.request({ method: 'PUT', url: '/api/v1/me/avatar', as: member.token, payload: { imageId: avatar.id } });
    const onPost = await uploadOk(t, member.token, t.fixtures.smallJpeg);
    await t.request({ method: 'POST', url: `/api/v1/profiles/${member.handle}/posts`, as: member.token, payload: { body: 'Photo', imageIds: [onPost.id] } });
    const unused = await uploadOk(t, member.token, t.fixtures.webp);
    for (const image of [avatar, onPost, unused]) expect((await filesOf(image)).length).toBeGreaterThan(0);

    // Erasure removes the member's row; everything of theirs cascades, and their images to the trash.
    await t.db.db.deleteFrom('members').where('id', '=', member.id).execute();
    expect((await mediaCounts(t)).trash).toBeGreaterThanOrEqual(3);
    await runPurge();
    await until(async () => (await Promise.all([avatar, onPost, unused].map(filesOf))).every((files) => files.length === 0));
    await until(async () => (await mediaCounts(t)).trash === 0);
  });

  it('deletes a replaced avatar at once (the swap queues the job), and abandoned uploads after a day', async () => {
    const member = await createMember(t);
    const [first, second] = [await uploadOk(t, member.token, t.fixtures.smallJpeg, { purpose: 'avatar' }), await uploadOk(t, member.token, t.fixtures.webp, { purpose: 'avatar' })];
    await t.request({ method: 'PUT', url: '/api/v1/me/avatar', as: member.token, payload: { imageId: first.id } });
    await t.request({ method: 'PUT', url: '/api/v1/me/avatar', as: member.token, payload: { imageId: second.id } });
    await until(async () => (await filesOf(first)).length === 0);
    expect((await filesOf(second)).length).toBeGreaterThan(0);

    const abandoned = await uploadOk(t, member.token, t.fixtures.smallJpeg);
    const fresh = await uploadOk(t, member.token, t.fixtures.webp);
    await t.db.db.updateTable('media').set({ created_at: sql`now() - interval '25 hours'` }).where('id', '=', abandoned.id).execute();
    await runPurge();
    await until(async () => (await filesOf(abandoned)).length === 0);
    expect((await filesOf(fresh)).length).toBeGreaterThan(0);
    expect((await filesOf(second)).length).toBeGreaterThan(0);
  });
});
