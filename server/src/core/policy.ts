import type { FieldVisibility, NetworkRole } from '@caucus/shared/constants.ts';

/**
 * The one place that answers "may this member do this to that?". Routes, live rooms, search and
 * the streaming API ask here; nothing else decides. Set-based questions take and return ids.
 */

export interface Viewer {
  id: string;
  role: NetworkRole;
  emailVerified: boolean;
}

/** Anyone who is not signed in is `null`. */
export type MaybeViewer = Viewer | null;

const ROLE_RANK: Record<NetworkRole, number> = { member: 0, moderator: 1, admin: 2, owner: 3 };

export const isAdmin = (viewer: MaybeViewer): boolean => viewer !== null && ROLE_RANK[viewer.role] >= ROLE_RANK.admin;

/** Members see members-only content once their e-mail is verified. */
export const isMember = (viewer: MaybeViewer): boolean => viewer !== null && viewer.emailVerified;

export interface ProfileSubject {
  id: string;
  profileVisibility: 'public' | 'members';
  emailVerified: boolean;
}

/** A profile exists for a viewer if it is theirs, public, or they are a member. Unverified accounts stay hidden. */
export function canViewProfile(viewer: MaybeViewer, subject: ProfileSubject): boolean {
  if (viewer?.id === subject.id) return true;
  if (!subject.emailVerified) return isAdmin(viewer);
  return subject.profileVisibility === 'public' || isMember(viewer);
}

export function canViewProfileField(viewer: MaybeViewer, subjectId: string, visibility: FieldVisibility): boolean {
  if (viewer?.id === subjectId) return true;
  if (visibility === 'public') return true;
  if (visibility === 'members') return isMember(viewer);
  return false;
}

/** The directory is for members only; it lists those who agreed to it. */
export const canBrowseDirectory = (viewer: MaybeViewer): boolean => isMember(viewer);

export const canManageNetwork = (viewer: MaybeViewer): boolean => isAdmin(viewer);
export const canReadOutbox = (viewer: MaybeViewer): boolean => isAdmin(viewer);

/**
 * Role changes: admins manage members and moderators; only the owner makes or unmakes admins;
 * nobody changes the owner's role or makes another owner here (ownership transfer is its own act).
 */
export function canChangeRole(viewer: MaybeViewer, target: { id: string; role: NetworkRole }, newRole: NetworkRole): boolean {
  if (!isAdmin(viewer) || viewer === null) return false;
  if (target.role === 'owner' || newRole === 'owner') return false;
  if (target.id === viewer.id) return false;
  if (viewer.role === 'owner') return true;
  return target.role !== 'admin' && newRole !== 'admin';
}
