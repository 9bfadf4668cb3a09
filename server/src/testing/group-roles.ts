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

// What the rules say each viewer gets from a group's content (its wall, its forum), written
// out for the authorization matrices rather than computed with the policy module they test.

export const ACTIVE_VIEWERS: GroupViewer[] = ['member', 'groupModerator', 'organizer'];
/** Who reads a group's content. */
export const CONTENT_READERS: Record<GroupVisibility, GroupViewer[]> = {
  public: [...GROUP_VIEWERS],
  private: [...ACTIVE_VIEWERS, 'networkModerator', 'admin'],
  secret: [...ACTIVE_VIEWERS, 'admin'],
};
/** Who may know the group exists. */
export const GROUP_SEERS: Record<GroupVisibility, GroupViewer[]> = { public: [...GROUP_VIEWERS], private: [...GROUP_VIEWERS], secret: [...ACTIVE_VIEWERS, 'invited', 'admin'] };

/** A list of the group's content: 200, 404 if the group is not there for them, 401/403 when it is but its content is not. */
export function expectedListRead(visibility: GroupVisibility, kind: GroupViewer): number {
  if (CONTENT_READERS[visibility].includes(kind)) return 200;
  if (!GROUP_SEERS[visibility].includes(kind)) return 404;
  return kind === 'visitor' ? 401 : 403;
}

/** One item of the group's content (a post, a thread): 200, or the same 404 as an unknown one. */
export const expectedItemRead = (visibility: GroupVisibility, kind: GroupViewer): number => (CONTENT_READERS[visibility].includes(kind) ? 200 : 404);

/** A write on one item: 401 for a visitor, 404 if they may not read it, else `ok` when allowed and 403 when not. */
export function expectedItemWrite(visibility: GroupVisibility, kind: GroupViewer, allowed: readonly GroupViewer[], ok: number): number {
  if (kind === 'visitor') return 401;
  if (!CONTENT_READERS[visibility].includes(kind)) return 404;
  return allowed.includes(kind) ? ok : 403;
}

/** A write on the group itself (post on its wall, arrange its forum): 401, 404 if it is not there for them, else `ok` or 403. */
export function expectedGroupWrite(visibility: GroupVisibility, kind: GroupViewer, allowed: readonly GroupViewer[], ok: number): number {
  if (kind === 'visitor') return 401;
  if (!GROUP_SEERS[visibility].includes(kind)) return 404;
  return allowed.includes(kind) ? ok : 403;
}
