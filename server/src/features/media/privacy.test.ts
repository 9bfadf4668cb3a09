import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Image } from '@caucus/shared/schemas/media.ts';
import { createGroupWithRoles, createSharedViewers, GROUP_VIEWERS, type GroupViewer, type GroupWithRoles } from '../../testing/group-roles.ts';
import { createMember } from '../../testing/test-app.ts';
import { createMediaTestApp, fetchMedia, uploadOk, type MediaTestApp } from './testing.ts';

// Who gets an image's bytes at /media/<key>/<variant>: one leak path at a time, every variant.

/** Every variant answers the same to this viewer. */
async function statuses(t: MediaTestApp, image: Image, token: string | null): Promise<number> {
  const codes = await Promise.all(image.variants.map(async (v) => (await fetchMedia(t, v.url, token)).statusCode));
  expect(new Set(codes).size, `variants disagree: ${codes}`).toBe(1);
  return codes[0]!;
}

describe('media privacy', () => {
  let t: MediaTestApp;
  let shared: Awaited<ReturnType<typeof createSharedViewers>>;
  const groups = {} as Record<'public' | 'private' | 'secret', GroupWithRoles>;

  beforeAll(async () => {
    t = await createMediaTestApp();
    shared = await createSharedViewers(t);
    for (const visibility of ['public', 'private', 'secret'] as const) groups[visibility] = await createGroupWithRoles(t, visibility, { shared });
  }, 240_000);
  afterAll(async () => t?.close());

  it('serves an upload not yet put to use to its uploader alone', async () => {
    const owner = await createMember(t);
    const image = await uploadOk(t, owner.token, t.fixtures.smallJpeg);
    expect(await statuses(t, image, owner.token)).toBe(200);
    expect(await statuses(t, image, shared.nonMember.token)).toBe(404);
    expect(await statuses(t, image, shared.admin.token)).toBe(404);
    expect(await statuses(t, image, null)).toBe(404);
  });

  // A cover shows that the group exists: everyone sees a public or private group's, members a secret one's.
  const coverMatrix: Record<'public' | 'private' | 'secret', Partial<Record<GroupViewer, number>>> = {
    public: Object.fromEntries(GROUP_VIEWERS.map((v) => [v, 200])),
    private: Object.fromEntries(GROUP_VIEWERS.map((v) => [v, 200])),
    secret: { visitor: 404, nonMember: 404, pending: 404, invited: 200, member: 200, groupModerator: 200, organizer: 200, networkModerator: 404, admin: 200, banned: 404 },
  };
  for (const visibility of ['public', 'private', 'secret'] as const) {
    it(`serves a ${visibility} group's cover to those who may see the group, and 404 to the others`, async () => {
      const { group, viewers } = groups[visibility];
      const image = await uploadOk(t, viewers.organizer.token, t.fixtures.smallJpeg, { purpose: 'cover', alt: 'La place du marché' });
      const set = await t.request({ method: 'PUT', url: `/api/v1/groups/${group.slug}/cover`, as: viewers.organizer.token, payload: { imageId: image.id } });
      expect(set.statusCode, set.body).toBe(200);
      const seen: Record<string, number> = {};
      for (const viewer of GROUP_VIEWERS) seen[viewer] = await statuses(t, image, viewers[viewer].token || null);
      expect(seen).toEqual(coverMatrix[visibility]);
    });
  }

  // A post's images go to those who may read its wall: the policy's canReadGroupContent.
  const postMatrix: Record<'public' | 'private' | 'secret', Partial<Record<GroupViewer, number>>> = {
    public: Object.fromEntries(GROUP_VIEWERS.map((v) => [v, 200])),
    private: { visitor: 404, nonMember: 404, pending: 404, invited: 404, member: 200, groupModerator: 200, organizer: 200, networkModerator: 200, admin: 200, banned: 404 },
    secret: { visitor: 404, nonMember: 404, pending: 404, invited: 404, member: 200, groupModerator: 200, organizer: 200, networkModerator: 404, admin: 200, banned: 404 },
  };
  for (const visibility of ['public', 'private', 'secret'] as const) {
    it(`serves the images of a post in a ${visibility} group to those who may read the group, and 404 to the others`, async () => {
      const { group, viewers } = groups[visibility];
      const image = await uploadOk(t, viewers.member.token, t.fixtures.smallJpeg, { alt: 'Le stand, samedi matin' });
      const post = await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: viewers.member.token, payload: { body: 'Notre stand ce matin', imageIds: [image.id] } });
      expect(post.statusCode, post.body).toBe(201);
      expect(post.json().images).toEqual([image]);
      const seen: Record<string, number> = {};
      for (const viewer of GROUP_VIEWERS) seen[viewer] = await statuses(t, image, viewers[viewer].token || null);
      expect(seen).toEqual(postMatrix[visibility]);
      const cache = (await fetchMedia(t, image.variants[0]!.url, viewers.member.token)).headers['cache-control'];
      expect(cache).toBe(visibility === 'public' ? 'public, max-age=31536000, immutable' : 'private, max-age=31536000, immutable');
    });
  }

  it('stops serving a private group\'s image to a member who leaves, at once', async () => {
    const { group } = groups.private;
    const leaver = await createMember(t);
    const organizer = groups.private.viewers.organizer;
    await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/join`, as: leaver.token });
    await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/members/${leaver.handle}/approve`, as: organizer.token });
    const image = await uploadOk(t, organizer.token, t.fixtures.smallJpeg);
    expect((await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: organizer.token, payload: { body: 'Réunion', imageIds: [image.id] } })).statusCode).toBe(201);
    expect(await statuses(t, image, leaver.token)).toBe(200);
    expect((await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/leave`, as: leaver.token })).statusCode).toBeLessThan(300);
    expect(await statuses(t, image, leaver.token)).toBe(404);
  });

  it("stops serving a deleted post's images to everyone, its author included", async () => {
    const { group, viewers } = groups.public;
    const image = await uploadOk(t, viewers.member.token, t.fixtures.smallJpeg);
    const post = (await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: viewers.member.token, payload: { body: 'Bientôt effacé', imageIds: [image.id] } })).json();
    expect(await statuses(t, image, null)).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/posts/${post.id}`, as: viewers.member.token })).statusCode).toBe(200);
    expect(await statuses(t, image, null)).toBe(404);
    expect(await statuses(t, image, viewers.member.token)).toBe(404);
  });

  it("serves a network-wall post's images to members only", async () => {
    const image = await uploadOk(t, shared.admin.token, t.fixtures.smallJpeg);
    expect((await t.request({ method: 'POST', url: '/api/v1/walls/network/posts', as: shared.admin.token, payload: { body: 'Meeting dimanche', imageIds: [image.id] } })).statusCode).toBe(201);
    expect(await statuses(t, image, shared.nonMember.token)).toBe(200);
    expect(await statuses(t, image, null)).toBe(404);
  });

  it("serves an avatar to whoever may see the member's profile: members-only by default, everyone once public", async () => {
    const owner = await createMember(t);
    const image = await uploadOk(t, owner.token, t.fixtures.smallJpeg, { purpose: 'avatar', alt: 'Mon portrait' });
    expect((await t.request({ method: 'PUT', url: '/api/v1/me/avatar', as: owner.token, payload: { imageId: image.id } })).statusCode).toBe(200);
    expect(await statuses(t, image, shared.nonMember.token)).toBe(200);
    expect(await statuses(t, image, null)).toBe(404);
    const response = await fetchMedia(t, image.variants[0]!.url, shared.nonMember.token);
    expect(response.headers['cache-control']).toBe('private, max-age=31536000, immutable');

    expect((await t.request({ method: 'PATCH', url: '/api/v1/me/profile', as: owner.token, payload: { profileVisibility: 'public' } })).statusCode).toBe(200);
    expect(await statuses(t, image, null)).toBe(200);
    const open = await fetchMedia(t, image.variants[0]!.url, null);
    expect(open.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves every image with its type, nosniff, no scripts, and a 304 for a known copy', async () => {
    const owner = await createMember(t);
    const image = await uploadOk(t, owner.token, t.fixtures.smallJpeg);
    const response = await fetchMedia(t, image.variants[0]!.url, owner.token);
    expect(response.headers['content-type']).toBe('image/webp');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(Number(response.headers['content-length'])).toBe(response.rawPayload.length);
    const head = await t.request({ method: 'HEAD', url: image.variants[0]!.url, as: owner.token });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(response.headers['content-length']);
    expect((await t.request({ method: 'HEAD', url: image.variants[0]!.url })).statusCode).toBe(404);
    const again = await fetchMedia(t, image.variants[0]!.url, owner.token, { 'if-none-match': String(response.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
  });

  it('answers 404, and nothing else, to made-up, malformed and climbing URLs', async () => {
    const owner = await createMember(t);
    const image = await uploadOk(t, owner.token, t.fixtures.smallJpeg);
    const key = image.variants[0]!.url.split('/')[2]!;
    for (const url of [`/media/${key}/w9999.webp`, `/media/${key}/w320.png`, `/media/${'A'.repeat(22)}/w320.webp`, `/media/${key}/..%2F..%2Fetc%2Fpasswd`, `/media/..%2F${key}/w320.webp`, '/media/x/y']) {
      const response = await fetchMedia(t, url, owner.token);
      expect(response.statusCode, url).toBe(404);
      expect(response.headers['cache-control'], url).toBe('no-store');
    }
  });
});
