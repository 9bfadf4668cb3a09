import type { DirectoryPage, DirectoryQuery, Profile, ProfileSettings, UpdateProfileBody } from '@caucus/shared/schemas/profiles.ts';
import { LIMITS } from '@caucus/shared/constants.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import type { Db } from '#core/db.ts';
import { fieldError, forbidden, notFound, unauthenticated } from '#core/errors.ts';
import { renderMarkdown } from '#core/markdown.ts';
import { canBrowseDirectory, canViewProfile, canViewProfileField, type MaybeViewer, type Viewer } from '#core/policy.ts';
import { isUniqueViolation } from '#core/route-schemas.ts';
import type { SessionRevocations } from '#core/session-cache.ts';
import { assertHandleAvailable, handleTaken } from '#features/accounts/handles.ts';
import { presentImageColumn as presentImage } from '#features/media/service.ts';
import * as q from './queries.ts';

/** Shapes a profile for one viewer: a field the viewer may not see is left out, not emptied. */
export function presentProfile(row: q.ProfileRow, viewer: MaybeViewer): Profile {
  const sees = (visibility: q.ProfileRow['bio_visibility']) => canViewProfileField(viewer, row.id, visibility);
  return {
    id: row.id,
    handle: row.handle,
    displayName: row.display_name,
    role: row.role,
    joinedAt: new Date(row.created_at).toISOString(),
    ...(row.bio_html && sees(row.bio_visibility) ? { bioHtml: row.bio_html } : {}),
    ...(sees(row.location_visibility) && row.commune ? { commune: row.commune } : {}),
    ...(sees(row.location_visibility) && row.postal_code ? { postalCode: row.postal_code } : {}),
    ...(sees(row.links_visibility) && row.links.length > 0 ? { links: row.links } : {}),
    ...(row.avatar ? { avatar: presentImage(row.avatar) } : {}),
    isSelf: viewer?.id === row.id,
  };
}

function presentSettings(row: q.ProfileRow): ProfileSettings {
  return {
    handle: row.handle,
    displayName: row.display_name,
    bio: row.bio,
    commune: row.commune,
    postalCode: row.postal_code,
    links: row.links,
    profileVisibility: row.profile_visibility,
    listedInDirectory: row.listed_in_directory,
    bioVisibility: row.bio_visibility,
    locationVisibility: row.location_visibility,
    linksVisibility: row.links_visibility,
    ...(row.avatar ? { avatar: presentImage(row.avatar) } : {}),
  };
}

export function createProfilesService(deps: { db: Db; sessions: SessionRevocations }) {
  const { db, sessions } = deps;
  return {
    async getProfile(viewer: MaybeViewer, handle: string): Promise<Profile> {
      const row = await q.findProfileByHandle(db, handle);
      // Unknown and not-for-you answer alike; a provisional handle names nobody but its holder.
      const chosen = row?.handle_chosen_at != null || (row !== undefined && viewer?.id === row.id);
      if (!row || !chosen || !canViewProfile(viewer, { id: row.id, profileVisibility: row.profile_visibility, emailVerified: row.email_verified_at !== null })) {
        throw notFound('This profile');
      }
      return presentProfile(row, viewer);
    },

    async getSettings(viewer: Viewer): Promise<ProfileSettings> {
      const row = await q.findProfileById(db, viewer.id);
      if (!row) throw notFound('This account');
      return presentSettings(row);
    },

    async update(viewer: Viewer, body: UpdateProfileBody): Promise<ProfileSettings> {
      // The form sends the handle every time; only a new one is checked (and counted against the rate limit).
      const current = await q.findProfileById(db, viewer.id);
      const newHandle = body.handle !== undefined && body.handle !== current?.handle ? body.handle : undefined;
      if (newHandle !== undefined) await assertHandleAvailable(db, viewer, newHandle);
      const patch = {
        // Setting it here chooses it too, as the welcome page would.
        ...(newHandle !== undefined ? { handle: newHandle, handle_chosen_at: new Date() } : {}),
        ...(body.displayName !== undefined ? { display_name: body.displayName.trim() } : {}),
        ...(body.bio !== undefined ? { bio: body.bio, bio_html: renderMarkdown(body.bio) } : {}),
        ...(body.commune !== undefined ? { commune: body.commune.trim() } : {}),
        ...(body.postalCode !== undefined ? { postal_code: body.postalCode } : {}),
        ...(body.links !== undefined ? { links: JSON.stringify(body.links) } : {}),
        ...(body.profileVisibility !== undefined ? { profile_visibility: body.profileVisibility } : {}),
        ...(body.listedInDirectory !== undefined ? { listed_in_directory: body.listedInDirectory } : {}),
        ...(body.bioVisibility !== undefined ? { bio_visibility: body.bioVisibility } : {}),
        ...(body.locationVisibility !== undefined ? { location_visibility: body.locationVisibility } : {}),
        ...(body.linksVisibility !== undefined ? { links_visibility: body.linksVisibility } : {}),
      };
      if (body.displayName !== undefined && patch.display_name === '') throw fieldError(400, 'displayName', 'required', 'This field is required');
      try {
        if (Object.keys(patch).length > 0) {
          await q.updateProfile(db, viewer.id, patch);
          sessions.forgetMember(viewer.id); // sessions carry the display name (and the handle)
        }
      } catch (error) {
        if (isUniqueViolation(error, 'members_handle_key')) throw handleTaken();
        throw error;
      }
      return this.getSettings(viewer);
    },

    async directory(viewer: MaybeViewer, query: DirectoryQuery): Promise<DirectoryPage> {
      if (!viewer) throw unauthenticated();
      if (!canBrowseDirectory(viewer)) throw forbidden('Confirm your e-mail address to see the members.');
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const rows = await q.directoryPage(db, {
        ...(query.q?.trim() ? { q: query.q.trim() } : {}),
        ...(query.commune?.trim() ? { commune: query.commune.trim() } : {}),
        ...(query.cursor ? { after: decodeCursor(query.cursor) } : {}),
        limit,
      });
      const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.id]);
      return {
        members: items.map((row) => ({
          handle: row.handle,
          displayName: row.display_name,
          ...(row.commune && canViewProfileField(viewer, row.id, row.location_visibility) ? { commune: row.commune } : {}),
          ...(row.avatar ? { avatar: presentImage(row.avatar) } : {}),
        })),
        nextCursor,
      };
    },
  };
}
