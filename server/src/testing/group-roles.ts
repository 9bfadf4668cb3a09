import { expect } from 'vitest';
import type { GroupVisibility } from '@caucus/shared/constants.ts';
import { createMember, type TestApp } from './test-app.ts';

/** Everyone a group's authorization matrix is about. */
export const GROUP_VIEWERS = [
  'visitor', 'nonMember', 'pending', 'invited', 'member', 'groupModerator', 'organizer', 'networkModerator', 'admin', 'banned',
] as const;
export type GroupViewer = (typeof GROUP_VIEWERS)[number];

export interface RoleMember {
  id: string;
  handle: string;
  email: string;
  /** A session token; '' for the visitor. */
  token: string;
}

export interface GroupWithRoles {
  group: { id: string; slug: string; name: string; visibility: GroupVisibility };
  /** Each viewer; the visitor has no account (id and handle are ''). */
  viewers: Record<GroupViewer, RoleMember>;
}

const VISITOR: RoleMember = { id: '', handle: '', email: '', token: '' };

let groupCounter = 0;

async function ok(t: TestApp, what: string, request: Parameters<TestApp['request']>[0]) {
  const response = await t.request(request);
  expect(response.statusCode, `${what}: ${response.body}`).toBeLessThan(300);
  return response.json();
}

/**
 * A group of the given visibility with its ten viewers, made through the real API: the organizer
 * creates it private, a member and a moderator are approved, a request stays pending, someone is
 * invited, someone is banned; then it takes its final visibility. A network moderator and an admin
 * (not in the group) and a signed-in non-member complete the set. Pass `shared` to reuse the
 * network-wide viewers (nonMember, networkModerator, admin) across groups and save time.
 */
export async function createGroupWithRoles(
  t: TestApp,
  visibility: GroupVisibility,
  options: { name?: string; shared?: Pick<GroupWithRoles['viewers'], 'nonMember' | 'networkModerator' | 'admin'> } = {},
): Promise<GroupWithRoles> {
  groupCounter += 1;
  const name = options.name ?? `Groupe ${visibility} ${groupCounter} ${Math.random().toString(36).slice(2, 6)}`;
  const [organizer, member, groupModerator, pending, invited, banned] = await Promise.all(Array.from({ length: 6 }, () => createMember(t)));
  const shared = options.shared ?? await createSharedViewers(t);

  const created = await ok(t, 'create the group', { method: 'POST', url: '/api/v1/groups', as: organizer!.token, payload: { name, visibility: 'private' } });
  let slug = created.slug as string;
  const base = `/api/v1/groups/${slug}`;
  for (const who of [member!, groupModerator!, pending!]) await ok(t, 'ask to join', { method: 'POST', url: `${base}/join`, as: who.token });
  for (const who of [member!, groupModerator!]) await ok(t, 'approve', { method: 'POST', url: `${base}/members/${who.handle}/approve`, as: organizer!.token });
  await ok(t, 'make moderator', { method: 'PATCH', url: `${base}/members/${groupModerator!.handle}`, as: organizer!.token, payload: { role: 'moderator' } });
  await ok(t, 'invite', { method: 'POST', url: `${base}/invitations`, as: organizer!.token, payload: { handle: invited!.handle } });
  await ok(t, 'ban', { method: 'POST', url: `${base}/members/${banned!.handle}/ban`, as: organizer!.token });
  // Made secret, it takes a random address.
  if (visibility !== 'private') slug = (await ok(t, 'set the visibility', { method: 'PATCH', url: base, as: organizer!.token, payload: { visibility } })).slug as string;

  return {
    group: { id: created.id as string, slug, name, visibility },
    viewers: { visitor: VISITOR, ...shared, pending: pending!, invited: invited!, member: member!, groupModerator: groupModerator!, organizer: organizer!, banned: banned! },
  };
}

/** The viewers who are nobody in particular to a group: a signed-in non-member, a network moderator, an admin. */
export async function createSharedViewers(t: TestApp): Promise<Pick<GroupWithRoles['viewers'], 'nonMember' | 'networkModerator' | 'admin'>> {
  const [nonMember, networkModerator, admin] = await Promise.all([createMember(t), createMember(t, { role: 'moderator' }), createMember(t, { role: 'admin' })]);
  return { nonMember: nonMember!, networkModerator: networkModerator!, admin: admin! };
}
