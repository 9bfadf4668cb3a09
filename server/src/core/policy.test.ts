import { describe, expect, it } from 'vitest';
import { NETWORK_ROLES, type NetworkRole } from '@caucus/shared/constants.ts';
import { canBrowseDirectory, canChangeRole, canViewProfile, canViewProfileField, type Viewer } from './policy.ts';

const viewer = (role: NetworkRole, id = 'viewer', emailVerified = true): Viewer => ({ id, role, emailVerified });

describe('canChangeRole', () => {
  // Who (viewer role) may move a target of role X to role Y; everything not listed is refused.
  const allowed = new Set([
    ...['member', 'moderator', 'admin'].flatMap((from) => ['member', 'moderator', 'admin'].map((to) => `owner:${from}->${to}`)),
    ...['member', 'moderator'].flatMap((from) => ['member', 'moderator'].map((to) => `admin:${from}->${to}`)),
  ]);

  for (const by of NETWORK_ROLES) {
    for (const from of NETWORK_ROLES) {
      for (const to of NETWORK_ROLES) {
        const key = `${by}:${from}->${to}`;
        it(`${allowed.has(key) ? 'lets' : 'stops'} a ${by} moving a ${from} to ${to}`, () => {
          expect(canChangeRole(viewer(by), { id: 'target', role: from }, to)).toBe(allowed.has(key));
        });
      }
    }
  }

  it('stops anyone changing their own role, and a visitor changing any', () => {
    for (const role of NETWORK_ROLES) {
      for (const to of NETWORK_ROLES) expect(canChangeRole(viewer(role, 'me'), { id: 'me', role }, to)).toBe(false);
    }
    expect(canChangeRole(null, { id: 'target', role: 'member' }, 'moderator')).toBe(false);
  });
});

describe('profile visibility', () => {
  const subject = { id: 'subject', profileVisibility: 'members' as const, emailVerified: true };

  it('shows a members-only profile to verified members and its owner only', () => {
    expect(canViewProfile(null, subject)).toBe(false);
    expect(canViewProfile(viewer('member', 'x', false), subject)).toBe(false);
    expect(canViewProfile(viewer('member'), subject)).toBe(true);
    expect(canViewProfile(viewer('member', 'subject', false), subject)).toBe(true);
    expect(canViewProfile(null, { ...subject, profileVisibility: 'public' })).toBe(true);
  });

  it('hides an unverified account from everyone but itself and admins', () => {
    const unverified = { ...subject, profileVisibility: 'public' as const, emailVerified: false };
    expect(canViewProfile(null, unverified)).toBe(false);
    expect(canViewProfile(viewer('moderator'), unverified)).toBe(false);
    expect(canViewProfile(viewer('admin'), unverified)).toBe(true);
  });

  it('shows each field by its visibility', () => {
    const cases: Array<[Viewer | null, Record<'public' | 'members' | 'private', boolean>]> = [
      [null, { public: true, members: false, private: false }],
      [viewer('member', 'x', false), { public: true, members: false, private: false }],
      [viewer('member'), { public: true, members: true, private: false }],
      [viewer('owner'), { public: true, members: true, private: false }],
      [viewer('member', 'subject', false), { public: true, members: true, private: true }],
    ];
    for (const [who, expected] of cases) {
      for (const visibility of ['public', 'members', 'private'] as const) {
        expect(canViewProfileField(who, 'subject', visibility), `${who?.id ?? 'visitor'} / ${visibility}`).toBe(expected[visibility]);
      }
    }
  });

  it('opens the directory to verified members only', () => {
    expect(canBrowseDirectory(null)).toBe(false);
    expect(canBrowseDirectory(viewer('member', 'x', false))).toBe(false);
    expect(canBrowseDirectory(viewer('member'))).toBe(true);
  });
});
