import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statementCounter } from '../../testing/statement-counter.ts';
import { createMember } from '../../testing/test-app.ts';
import { wallCounts } from '../../testing/wall-fixtures.ts';
import { createMediaTestApp, uploadOk, type MediaTestApp } from './testing.ts';

// Images on posts: up to six, in order, each the author's own fresh upload; loaded in bulk.

describe('post images', () => {
  let t: MediaTestApp;
  let author: Awaited<ReturnType<typeof createMember>>;

  beforeAll(async () => {
    t = await createMediaTestApp();
    author = await createMember(t);
  });
  afterAll(async () => t?.close());

  const post = (token: string, payload: object) => t.request({ method: 'POST', url: `/api/v1/profiles/${author.handle}/posts`, as: token, payload });

  it('shows a post with its images in the order given, on the post and on the wall', async () => {
    const images = [];
    for (let i = 0; i < 6; i++) images.push(await uploadOk(t, author.token, i % 2 ? t.fixtures.webp : t.fixtures.smallJpeg, { alt: `Photo ${i + 1}` }));
    const order = [images[3]!, images[0]!, images[5]!, images[1]!, images[4]!, images[2]!];
    const created = await post(author.token, { body: 'Six photos du meeting', imageIds: order.map((i) => i.id) });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().images.map((i: { alt: string }) => i.alt)).toEqual(order.map((i) => i.alt));
    const one = (await t.request({ method: 'GET', url: `/api/v1/posts/${created.json().id}`, as: author.token })).json();
    expect(one.images).toEqual(order);
    const wall = (await t.request({ method: 'GET', url: `/api/v1/profiles/${author.handle}/posts`, as: author.token })).json();
    expect(wall.posts[0].images).toEqual(order);
    const plain = await post(author.token, { body: 'Sans image' });
    expect(plain.json().images).toBeUndefined();
  });

  it('refuses a seventh image, a repeated one, one used twice, another member\'s, one made for another use — and stores no post', async () => {
    const mine = await Promise.all(Array.from({ length: 7 }, () => uploadOk(t, author.token, t.fixtures.smallJpeg)));
    const other = await createMember(t);
    const theirs = await uploadOk(t, other.token, t.fixtures.smallJpeg);
    const avatar = await uploadOk(t, author.token, t.fixtures.smallJpeg, { purpose: 'avatar' });
    const before = await wallCounts(t);
    const cases: Array<[object, number]> = [
      [{ imageIds: mine.map((i) => i.id) }, 400],
      [{ imageIds: [mine[0]!.id, mine[0]!.id] }, 400],
      [{ imageIds: [theirs.id] }, 404],
      [{ imageIds: [avatar.id] }, 400],
      [{ imageIds: ['not-a-uuid'] }, 400],
    ];
    for (const [payload, status] of cases) {
      const response = await post(author.token, { body: 'Refusé', ...payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(status);
    }
    expect(await wallCounts(t)).toEqual(before);
    // The images stay free: they can go on a post afterwards.
    expect((await post(author.token, { body: 'Enfin', imageIds: [mine[0]!.id] })).statusCode).toBe(201);
    expect((await post(author.token, { body: 'Encore', imageIds: [mine[0]!.id] })).statusCode).toBe(409);
  });

  it('loads the images of a page of posts in a fixed number of queries', async () => {
    const reader = await createMember(t);
    for (let i = 0; i < 8; i++) {
      const image = await uploadOk(t, author.token, t.fixtures.smallJpeg);
      await post(author.token, { body: `Post ${i}`, imageIds: [image.id] });
    }
    const counter = statementCounter(t);
    const queriesFor = async (limit: number) => {
      // The session's own lookup is counted apart: the session cache decides whether it runs.
      const log = await counter.during(async () => {
        const page = (await t.request({ method: 'GET', url: `/api/v1/profiles/${author.handle}/posts?limit=${limit}`, as: reader.token })).json();
        expect(page.posts.filter((p: { images?: unknown[] }) => p.images).length).toBe(limit);
      });
      return log.statements.length;
    };
    expect(await queriesFor(8)).toBe(await queriesFor(2));
    expect(await queriesFor(8)).toBe(1);
  });
});
