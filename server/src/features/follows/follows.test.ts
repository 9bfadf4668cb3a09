import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, sessionFor, type TestApp } from '../../testing/test-app.ts';
import { wallCounts, type TestMember } from '../../testing/wall-fixtures.ts';

let t: TestApp;
let lea: TestMember;
let sam: TestMember;

beforeAll(async () => {
  t = await createTestApp();
  [lea, sam] = await Promise.all([createMember(t), createMember(t)]);
});
afterAll(() => t.close());

const followUrl = (handle: string) => `/api/v1/profiles/${handle}/follow`;

describe('following', () => {
  it('follows and unfollows, with the follower count and my state', async () => {
    expect((await t.request({ url: `/api/v1/profiles/${sam.handle}/followers`, as: lea.token })).json()).toEqual({ following: false, followerCount: 0 });
    const followed = await t.request({ method: 'PUT', url: followUrl(sam.handle.toUpperCase()), as: lea.token });
    expect(followed.statusCode).toBe(200);
    expect(followed.json()).toEqual({ following: true, followerCount: 1 });
    expect((await t.request({ url: `/api/v1/profiles/${sam.handle}/followers`, as: sam.token })).json()).toEqual({ following: false, followerCount: 1 });
    const unfollowed = await t.request({ method: 'DELETE', url: followUrl(sam.handle), as: lea.token });
    expect(unfollowed.json()).toEqual({ following: false, followerCount: 0 });
  });

  it('refuses following twice (409 already_following) and unfollowing when not following (409 not_following), writing nothing', async () => {
    await t.request({ method: 'PUT', url: followUrl(sam.handle), as: lea.token });
    const before = await wallCounts(t);
    const twice = await t.request({ method: 'PUT', url: followUrl(sam.handle), as: lea.token });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error).toBe('already_following');
    expect(await wallCounts(t)).toEqual(before);
    await t.request({ method: 'DELETE', url: followUrl(sam.handle), as: lea.token });
    const after = await wallCounts(t);
    const notFollowing = await t.request({ method: 'DELETE', url: followUrl(sam.handle), as: lea.token });
    expect(notFollowing.statusCode).toBe(409);
    expect(notFollowing.json().error).toBe('not_following');
    expect(await wallCounts(t)).toEqual(after);
  });

  it('refuses following oneself (400 cannot_follow_self), visitors (401), unverified accounts (403), unknown or hidden profiles (404)', async () => {
    const before = await wallCounts(t);
    const self = await t.request({ method: 'PUT', url: followUrl(lea.handle), as: lea.token });
    expect(self.statusCode).toBe(400);
    expect(self.json().error).toBe('cannot_follow_self');
    expect((await t.request({ method: 'PUT', url: followUrl(sam.handle) })).statusCode).toBe(401);
    const unverified = await createMember(t, { verified: false });
    const unverifiedToken = await sessionFor(t, unverified.id);
    // A members-only profile is not there for them; a public one is, but following is for members.
    expect((await t.request({ method: 'PUT', url: followUrl(sam.handle), as: unverifiedToken })).statusCode).toBe(404);
    const open = await createMember(t);
    await t.db.db.updateTable('members').set({ profile_visibility: 'public' }).where('id', '=', open.id).execute();
    expect((await t.request({ method: 'PUT', url: followUrl(open.handle), as: unverifiedToken })).statusCode).toBe(403);
    // An unverified account is not a profile anyone else may see.
    expect((await t.request({ method: 'PUT', url: followUrl(unverified.handle), as: lea.token })).statusCode).toBe(404);
    expect((await t.request({ method: 'PUT', url: followUrl('personne_du_tout'), as: lea.token })).statusCode).toBe(404);
    expect((await t.request({ url: `/api/v1/profiles/${sam.handle}/followers` })).statusCode).toBe(404); // members-only profile
    expect(await wallCounts(t)).toEqual(before);
  });
});
