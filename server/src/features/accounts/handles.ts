import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Db } from '#core/db.ts';
import { fieldError, forbidden } from '#core/errors.ts';
import type { Viewer } from '#core/policy.ts';
import { hitRateLimit, RATE_RULES } from '#core/rate-limit.ts';
import { isUniqueViolation } from '#core/route-schemas.ts';
import type { SessionRevocations } from '#core/session-cache.ts';
import * as q from './queries.ts';

// Sign-up takes no handle (its answer would tell anyone who is a member): it gives a provisional
// one that says nothing, and the member chooses theirs once signed in with a verified address.

/** Provisional handles start with this; nobody may choose one that does, so they never collide. */
export const PROVISIONAL_HANDLE_PREFIX = 'membre_';

/** `membre_` and 80 random bits (16 base32 characters): 23 characters, a valid handle. */
export function provisionalHandle(): string {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  return PROVISIONAL_HANDLE_PREFIX + encodeBase32LowerCaseNoPadding(bytes);
}

export const isReservedHandle = (handle: string): boolean => handle.toLowerCase().startsWith(PROVISIONAL_HANDLE_PREFIX);

export const handleTaken = () => fieldError(409, 'handle', 'handle_taken', 'This handle is taken: choose another');
const handleReserved = () => fieldError(409, 'handle', 'handle_taken', `Handles starting with "${PROVISIONAL_HANDLE_PREFIX}" are reserved: choose another`);

/**
 * Refuses a handle this member may not take. Only a signed-in member with a verified address gets
 * here, rate limited: they may learn that a handle is taken, a visitor may not.
 */
export async function assertHandleAvailable(db: Db, viewer: Viewer, handle: string): Promise<void> {
  if (!viewer.emailVerified) throw forbidden('Confirm your e-mail address first.');
  await hitRateLimit(db, RATE_RULES.handlePerMember, viewer.id);
  if (isReservedHandle(handle)) throw handleReserved();
  if (await q.handleExists(db, handle, viewer.id)) throw handleTaken();
}

export function createHandlesService(deps: { db: Db; sessions: SessionRevocations }) {
  const { db, sessions } = deps;
  return {
    /** Sets the member's handle (the first choice after sign-up, or a later change); it is theirs from now on. */
    async chooseHandle(viewer: Viewer, handle: string): Promise<void> {
      await assertHandleAvailable(db, viewer, handle);
      try {
        await q.setChosenHandle(db, viewer.id, handle);
        sessions.forgetMember(viewer.id); // sessions carry the handle and whether it was chosen
      } catch (error) {
        if (isUniqueViolation(error, 'members_handle_key')) throw handleTaken();
        throw error;
      }
    },
  };
}
