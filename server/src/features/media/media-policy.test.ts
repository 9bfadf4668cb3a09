import { describe, expect, it } from 'vitest';
import { canReadMedia, canUploadMedia, canUseMedia, type MediaSubject, type Viewer } from '#core/policy.ts';

// The media rules of the policy module, case by case (the serving route is tested end to end in privacy.test.ts).
const member: Viewer = { id: 'm', role: 'member', emailVerified: true };
const unverified: Viewer = { id: 'u', role: 'member', emailVerified: false };
const moderator: Viewer = { id: 'mod', role: 'moderator', emailVerified: true };
const admin: Viewer = { id: 'a', role: 'admin', emailVerified: true };
const active = { state: 'active', role: 'member' } as const;

describe('media policy', () => {
  it('lets verified members upload, and only admins upload the brand', () => {
    expect(canUploadMedia(member, 'post')).toBe(true);
    expect(canUploadMedia(member, 'avatar')).toBe(true);
    expect(canUploadMedia(member, 'logo')).toBe(false);
    expect(canUploadMedia(admin, 'favicon')).toBe(true);
    expect(canUploadMedia(unverified, 'post')).toBe(false);
    expect(canUploadMedia(null, 'post')).toBe(false);
  });

  it('lets only the uploader use their upload', () => {
    expect(canUseMedia(member, 'm')).toBe(true);
    expect(canUseMedia(admin, 'm')).toBe(false);
    expect(canUseMedia(null, 'm')).toBe(false);
  });

  it('serves each image to whoever may see what it belongs to', () => {
    const cases: Array<[MediaSubject, Viewer | null, boolean]> = [
      [{ use: 'unattached', ownerId: 'm' }, member, true],
      [{ use: 'unattached', ownerId: 'm' }, admin, false],
      [{ use: 'branding' }, null, true],
      [{ use: 'avatar', profile: { id: 'x', profileVisibility: 'members', emailVerified: true } }, null, false],
      [{ use: 'avatar', profile: { id: 'x', profileVisibility: 'members', emailVerified: true } }, member, true],
      [{ use: 'avatar', profile: { id: 'x', profileVisibility: 'public', emailVerified: true } }, null, true],
      [{ use: 'cover', group: { visibility: 'private' }, membership: null }, null, true],
      [{ use: 'cover', group: { visibility: 'secret' }, membership: null }, member, false],
      [{ use: 'cover', group: { visibility: 'secret' }, membership: active }, member, true],
      [{ use: 'post', deleted: false, wall: { wall: 'group', group: { visibility: 'private' }, membership: null } }, member, false],
      [{ use: 'post', deleted: false, wall: { wall: 'group', group: { visibility: 'private' }, membership: active } }, member, true],
      [{ use: 'post', deleted: false, wall: { wall: 'group', group: { visibility: 'private' }, membership: null } }, moderator, true],
      [{ use: 'post', deleted: false, wall: { wall: 'group', group: { visibility: 'secret' }, membership: null } }, moderator, false],
      [{ use: 'post', deleted: false, wall: { wall: 'group', group: { visibility: 'public' }, membership: { state: 'banned', role: 'member' } } }, member, true],
      [{ use: 'post', deleted: true, wall: { wall: 'group', group: { visibility: 'public' }, membership: active } }, admin, false],
      [{ use: 'post', deleted: false, wall: { wall: 'network' } }, null, false],
      [{ use: 'post', deleted: false, wall: { wall: 'network' } }, unverified, false],
    ];
    for (const [subject, viewer, expected] of cases) expect(canReadMedia(viewer, subject), JSON.stringify([subject, viewer])).toBe(expected);
  });
});
