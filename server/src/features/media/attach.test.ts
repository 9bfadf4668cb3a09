import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroupWithRoles, createSharedViewers, type GroupWithRoles } from '../../testing/group-roles.ts';
import { createMember } from '../../testing/test-app.ts';
import { createMediaTestApp, mediaCounts, uploadOk, type MediaTestApp } from './testing.ts';

// Putting uploads to use: avatar, group cover, the network's logo and favicon; alt text; discarding.

describe('using uploaded images', () => {
  let t: MediaTestApp;

  beforeAll(async () => {
    t = await createMediaTestApp();
  });
  afterAll(async () => t?.close());

  const put = (url: string, token: string, imageId: string) => t.request({ method: 'PUT', url, as: token, payload: { imageId } });

  it('sets my avatar from my avatar upload, replaces it (the old one goes to the trash) and removes it', async () => {
    const me = await createMember(t);
    const first = await uploadOk(t, me.token, t.fixtures.smallJpeg, { purpose: 'avatar' });
    const second = await uploadOk(t, me.token, t.fixtures.webp, { purpose: 'avatar' });
    expect((await put('/api/v1/me/avatar', me.token, first.id)).json().id).toBe(first.id);
    const before = await mediaCounts(t);
    expect((await put('/api/v1/me/avatar', me.token, second.id)).statusCode).toBe(200);
    const after = await mediaCounts(t);
    expect(after.media).toBe(before.media - 1);
    expect(after.trash).toBe(before.trash + 1);
    const row = await t.db.db.selectFrom('members').select('avatar_id').where('id', '=', me.id).executeTakeFirstOrThrow();
    expect(row.avatar_id).toBe(second.id);
    expect((await t.request({ method: 'DELETE', url: '/api/v1/me/avatar', as: me.token })).statusCode).toBe(200);
    expect((await t.db.db.selectFrom('members').select('avatar_id').where('id', '=', me.id).executeTakeFirstOrThrow()).avatar_id).toBeNull();
    expect((await mediaCounts(t)).media).toBe(after.media - 1);
  });

  it("refuses someone else's upload (as if it did not exist), an upload for another use, one already in use", async () => {
    const [me, other] = [await createMember(t), await createMember(t)];
    const theirs = await uploadOk(t, other.token, t.fixtures.smallJpeg, { purpose: 'avatar' });
    expect((await put('/api/v1/me/avatar', me.token, theirs.id)).statusCode).toBe(404);
    const forPost = await uploadOk(t, me.token, t.fixtures.smallJpeg, { purpose: 'post' });
    const wrongUse = await put('/api/v1/me/avatar', me.token, forPost.id);
    expect(wrongUse.statusCode).toBe(400);
    expect(wrongUse.json().fields.imageId.code).toBe('invalid_choice');
    const mine = await uploadOk(t, me.token, t.fixtures.smallJpeg, { purpose: 'avatar' });
    expect((await put('/api/v1/me/avatar', me.token, mine.id)).statusCode).toBe(200);
    expect((await put('/api/v1/me/avatar', me.token, mine.id)).statusCode).toBe(409);
    expect((await put('/api/v1/me/avatar', me.token, '01890000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await put('/api/v1/me/avatar', me.token, 'not-a-uuid')).statusCode).toBe(400);
    expect((await put('/api/v1/me/avatar', '', mine.id)).statusCode).toBe(401);
  });

  describe('group covers', () => {
    let group: GroupWithRoles;
    beforeAll(async () => {
      group = await createGroupWithRoles(t, 'secret', { shared: await createSharedViewers(t) });
    });

    it("are set by the group's organizers and admins, and appear in the group's JSON", async () => {
      const { viewers } = group;
      const image = await uploadOk(t, viewers.organizer.token, t.fixtures.smallJpeg, { purpose: 'cover' });
      expect((await put(`/api/v1/groups/${group.group.slug}/cover`, viewers.organizer.token, image.id)).statusCode).toBe(200);
      const json = (await t.request({ method: 'GET', url: `/api/v1/groups/${group.group.slug}`, as: viewers.member.token })).json();
      expect(json.cover).toMatchObject({ id: image.id, alt: image.alt, variants: image.variants });
      const byAdmin = await uploadOk(t, viewers.admin.token, t.fixtures.webp, { purpose: 'cover' });
      expect((await put(`/api/v1/groups/${group.group.slug}/cover`, viewers.admin.token, byAdmin.id)).statusCode).toBe(200);
    });

    it('are refused to moderators and members (403), and to those who may not see the group (404)', async () => {
      const { viewers } = group;
      for (const who of ['groupModerator', 'member'] as const) {
        const image = await uploadOk(t, viewers[who].token, t.fixtures.smallJpeg, { purpose: 'cover' });
        expect((await put(`/api/v1/groups/${group.group.slug}/cover`, viewers[who].token, image.id)).statusCode, who).toBe(403);
      }
      for (const who of ['nonMember', 'networkModerator', 'banned'] as const) {
        const image = await uploadOk(t, viewers[who].token, t.fixtures.smallJpeg, { purpose: 'cover' });
        expect((await put(`/api/v1/groups/${group.group.slug}/cover`, viewers[who].token, image.id)).statusCode, who).toBe(404);
      }
      expect((await put('/api/v1/groups/no-such-group/cover', viewers.organizer.token, '01890000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    });
  });

  it("sets the network's logo and favicon (admins only), shown in the network's JSON", async () => {
    const admin = await createMember(t, { role: 'admin' });
    const logo = await uploadOk(t, admin.token, t.fixtures.alphaPng, { purpose: 'logo', alt: 'Logo de la campagne' });
    const favicon = await uploadOk(t, admin.token, t.fixtures.smallJpeg, { purpose: 'favicon', alt: 'Icône' });
    expect((await put('/api/v1/admin/network/logo', admin.token, logo.id)).statusCode).toBe(200);
    expect((await put('/api/v1/admin/network/favicon', admin.token, favicon.id)).statusCode).toBe(200);
    const network = (await t.request({ method: 'GET', url: '/api/v1/network' })).json();
    expect(network.logo.id).toBe(logo.id);
    expect(network.favicon.variants[0].type).toBe('image/png');
    // The brand is for everyone, visitors included.
    expect((await t.request({ method: 'GET', url: network.logo.variants[0].url })).statusCode).toBe(200);

    const member = await createMember(t);
    expect((await put('/api/v1/admin/network/logo', member.token, logo.id)).statusCode).toBe(403);
    expect((await t.request({ method: 'DELETE', url: '/api/v1/admin/network/logo', as: member.token })).statusCode).toBe(403);
    expect((await t.request({ method: 'DELETE', url: '/api/v1/admin/network/logo', as: admin.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'GET', url: '/api/v1/network' })).json().logo).toBeUndefined();
  });

  it('changes the alt text of my image, and discards my unused upload', async () => {
    const [me, other] = [await createMember(t), await createMember(t)];
    const image = await uploadOk(t, me.token, t.fixtures.smallJpeg);
    const changed = await t.request({ method: 'PATCH', url: `/api/v1/media/${image.id}`, as: me.token, payload: { alt: '  Le stand du marché, samedi  ' } });
    expect(changed.json().alt).toBe('Le stand du marché, samedi');
    expect((await t.request({ method: 'PATCH', url: `/api/v1/media/${image.id}`, as: me.token, payload: { alt: '' } })).statusCode).toBe(400);
    expect((await t.request({ method: 'PATCH', url: `/api/v1/media/${image.id}`, as: other.token, payload: { alt: 'Moi' } })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/media/${image.id}`, as: other.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/media/${image.id}`, as: me.token })).statusCode).toBe(200);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/media/${image.id}`, as: me.token })).statusCode).toBe(404);
    const inUse = await uploadOk(t, me.token, t.fixtures.smallJpeg, { purpose: 'avatar' });
    await put('/api/v1/me/avatar', me.token, inUse.id);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/media/${inUse.id}`, as: me.token })).statusCode).toBe(409);
  });
});
