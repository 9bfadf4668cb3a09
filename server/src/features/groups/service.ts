import type {
  CreateGroupBody, Group, GroupDirectoryQuery, GroupList, GroupMemberPage, GroupMembersQuery, GroupPage, GroupSettings, MyGroupList, Territory, UpdateGroupBody,
} from '@caucus/shared/schemas/groups.ts';
import { LIMITS } from '@caucus/shared/constants.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import type { DbOrTx } from '#core/db.ts';
import { AppError, fieldError, forbidden, notFound, unauthenticated } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { renderMarkdown } from '#core/markdown.ts';
import {
  canCreateGroup, canManageGroup, canModerateGroup, canReadGroupContent, canSeeGroup, canViewProfile, isMember, type MaybeViewer, type Viewer,
} from '#core/policy.ts';
import { isUniqueViolation } from '#core/route-schemas.ts';
import { getSettings } from '#core/settings.ts';
import { announce, loadVisibleGroup, type GroupsDeps } from './context.ts';
import { presentGroup, presentMember, presentSettings, presentSummary } from './present.ts';
import * as q from './queries.ts';
import { freeSlug, RESERVED_SLUGS, secretSlug, slugify, slugStem } from './slug.ts';
import { findNear, resolveTerritory, resolveTerritoryCode, type ResolvedTerritory } from './territories.ts';

/** A member's own list and a profile's list are not paged: past this many, the oldest activity drops off. */
const MEMBER_GROUPS_MAX = 500;

const slugTaken = () => fieldError(409, 'slug', 'slug_taken', 'This address is taken: choose another');
const secretSlugChosen = () => fieldError(400, 'slug', 'secret_slug', 'Leave the address empty: a secret group gets a random address, so that nobody can guess it exists');

async function unusedSecretSlug(tx: DbOrTx): Promise<string> {
  for (;;) {
    const slug = secretSlug();
    if (!(await q.slugTaken(tx, slug))) return slug;
  }
}
const notVerified = () => new AppError(403, 'email_not_verified', 'Confirm your e-mail address first.');

function territoryColumns(territory: ResolvedTerritory | null) {
  return {
    territory_kind: territory?.kind ?? null,
    territory_code: territory?.code ?? null,
    territory_name: territory?.name ?? null,
    department_code: territory?.departmentCode ?? null,
    region_code: territory?.regionCode ?? null,
  };
}

/** Creating, reading, editing and listing groups. Membership changes are in membership.ts. */
export function createGroupsService(deps: GroupsDeps) {
  const { db } = deps;

  async function getGroup(viewer: MaybeViewer, slug: string): Promise<Group> {
    const { group, membership } = await loadVisibleGroup(db, viewer, slug);
    return presentGroup(group, viewer, membership);
  }

  /** The group, if this viewer may manage it: a 404 if they may not see it, 401/403 otherwise. */
  async function loadManaged(viewer: MaybeViewer, slug: string) {
    const loaded = await loadVisibleGroup(db, viewer, slug);
    if (!canManageGroup(viewer, loaded.membership)) throw viewer ? forbidden('Only the organizers of this group may change it.') : unauthenticated();
    return loaded;
  }

  return {
    getGroup,

    async create(viewer: Viewer, body: CreateGroupBody): Promise<Group> {
      if (!isMember(viewer)) throw notVerified();
      const settings = await getSettings(db);
      if (!canCreateGroup(viewer, settings.group_creation)) {
        throw new AppError(403, 'group_creation_restricted', 'On this network, only the network team creates groups.');
      }
      const name = body.name.trim();
      if (name.length < LIMITS.groupNameMin) throw fieldError(400, 'name', 'too_short', `At least ${LIMITS.groupNameMin} characters`, { min: LIMITS.groupNameMin });
      const territory = body.territory ? await resolveTerritory(body.territory) : null;
      if (body.slug && body.visibility === 'secret') throw secretSlugChosen();
      if (body.slug && RESERVED_SLUGS.has(body.slug)) throw slugTaken();
      const description = body.description ?? '';
      const id = newId();
      let slug: string;
      try {
        slug = await db.transaction().execute(async (tx) => {
          let chosen = body.slug;
          if (body.visibility === 'secret') chosen = await unusedSecretSlug(tx);
          else if (chosen) {
            if (await q.slugTaken(tx, chosen)) throw slugTaken();
          } else {
            const base = slugify(name);
            chosen = freeSlug(base, await q.takenSlugs(tx, slugStem(base)));
          }
          await q.insertGroup(tx, {
            id, slug: chosen, name, description, description_html: renderMarkdown(description), visibility: body.visibility,
            ...territoryColumns(territory), created_by: viewer.id,
          });
          await q.insertMembership(tx, { groupId: id, memberId: viewer.id, state: 'active', role: 'organizer' });
          return chosen;
        });
      } catch (error) {
        // Two creations raced for one address: the loser is told, nothing of it remains.
        if (isUniqueViolation(error, 'groups_slug_key')) throw slugTaken();
        throw error;
      }
      await announce(deps, { groupId: id, accessChanged: [viewer.id] });
      return presentGroup((await q.findGroupBySlug(db, slug))!, viewer, { state: 'active', role: 'organizer' });
    },

    async settings(viewer: MaybeViewer, slug: string): Promise<GroupSettings> {
      return presentSettings((await loadManaged(viewer, slug)).group);
    },

    async update(viewer: MaybeViewer, slug: string, body: UpdateGroupBody): Promise<GroupSettings> {
      await loadManaged(viewer, slug);
      const name = body.name?.trim();
      if (name !== undefined && name.length < LIMITS.groupNameMin) throw fieldError(400, 'name', 'too_short', `At least ${LIMITS.groupNameMin} characters`, { min: LIMITS.groupNameMin });
      const territory = body.territory ? await resolveTerritory(body.territory) : body.territory;
      const { group, visibilityChanged } = await db.transaction().execute(async (tx) => {
        const { group: before, membership } = await loadVisibleGroup(tx, viewer, slug, { lock: true });
        if (!canManageGroup(viewer, membership)) throw forbidden('Only the organizers of this group may change it.');
        await q.updateGroup(tx, before.id, {
          ...(name !== undefined ? { name } : {}),
          ...(body.description !== undefined ? { description: body.description, description_html: renderMarkdown(body.description) } : {}),
          ...(body.visibility !== undefined ? { visibility: body.visibility } : {}),
          ...(territory !== undefined ? territoryColumns(territory) : {}),
          // Made secret: its name-derived address would let others find it by name (see secretSlug).
          ...(body.visibility === 'secret' && before.visibility !== 'secret' ? { slug: await unusedSecretSlug(tx) } : {}),
        });
        const { slug: newSlug } = (await q.findGroupSlugById(tx, before.id))!;
        return { group: { ...before, slug: newSlug }, visibilityChanged: body.visibility !== undefined && body.visibility !== before.visibility };
      });
      // Made private or secret: whoever may no longer read it leaves its live room now.
      if (visibilityChanged) await announce(deps, { groupId: group.id, accessChanged: 'everyone' });
      return presentSettings((await q.findGroupBySlug(db, group.slug))!);
    },

    async directory(viewer: MaybeViewer, query: GroupDirectoryQuery): Promise<GroupPage> {
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const inside = query.territory ? await resolveTerritoryCode(query.territory, query.territoryKind) : undefined;
      let near: Territory | null | undefined;
      let nearFilter: q.DirectoryFilter['near'];
      if (query.near?.trim()) {
        const found = await findNear(query.near);
        if (!found) return { groups: [], near: null, nextCursor: null };
        near = found.place;
        nearFilter = found;
      }
      const rows = await q.directoryPage(db, {
        viewerId: viewer?.id ?? null,
        // Those who may see any secret group (admins) see them all; the others, only their own.
        includeAllSecret: canSeeGroup(viewer, { visibility: 'secret' }, null),
        ...(query.q?.trim() ? { q: query.q.trim() } : {}),
        ...(inside ? { inside: { kind: inside.kind, code: inside.code } } : {}),
        ...(nearFilter ? { near: nearFilter } : {}),
        ...(after ? { after } : {}),
        limit,
      });
      const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.id]);
      const visible = items.filter((row) => canSeeGroup(viewer, row, row.state && row.role ? { state: row.state, role: row.role } : null));
      return { groups: visible.map(presentSummary), ...(near !== undefined ? { near } : {}), nextCursor };
    },

    /** Every group I am in, asked to join or am invited to (not those I am banned from). */
    async myGroups(viewer: Viewer): Promise<MyGroupList> {
      const rows = await q.memberGroups(db, viewer.id, { states: ['active', 'pending', 'invited'], publicOnly: false, limit: MEMBER_GROUPS_MAX });
      return {
        groups: rows
          .filter((row) => canSeeGroup(viewer, row, { state: row.state, role: row.role }))
          .map((row) => ({ group: presentSummary(row), state: row.state, role: row.role })),
      };
    },

    /** The public groups a member is active in, if this viewer may see the member's profile. */
    async profileGroups(viewer: MaybeViewer, handle: string): Promise<GroupList> {
      const member = await q.findMemberByHandle(db, handle);
      if (!member || !canViewProfile(viewer, { id: member.id, profileVisibility: member.profile_visibility, emailVerified: member.email_verified_at !== null })) {
        throw notFound('This profile');
      }
      const rows = await q.memberGroups(db, member.id, { states: ['active'], publicOnly: true, limit: MEMBER_GROUPS_MAX });
      return { groups: rows.map(presentSummary) };
    },

    /** The active roster for whoever may read the group; requests, invitations and bans for its moderators. */
    async roster(viewer: MaybeViewer, slug: string, query: GroupMembersQuery): Promise<GroupMemberPage> {
      // A malformed cursor is the request's fault whatever the group: 400 before anything is looked up.
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const { group, membership } = await loadVisibleGroup(db, viewer, slug);
      const state = query.state ?? 'active';
      const allowed = state === 'active' ? canReadGroupContent(viewer, group, membership) : canModerateGroup(viewer, membership);
      if (!allowed) {
        if (!viewer) throw unauthenticated();
        throw forbidden(state === 'active' ? 'Only the members of this group see who is in it.' : "Only the group's moderators see this list.");
      }
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      // Whoever may not see members-only profiles (visitors) sees only the members who opened theirs.
      const seesMembersProfiles = canViewProfile(viewer, { id: '', profileVisibility: 'members', emailVerified: true });
      const rows = await q.rosterPage(db, {
        groupId: group.id, state, publicProfilesOnly: !seesMembersProfiles, limit, ...(after ? { after } : {}),
      });
      const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.id]);
      const visible = items.filter((row) => canViewProfile(viewer, { id: row.id, profileVisibility: row.profile_visibility, emailVerified: row.email_verified_at !== null }));
      return { members: visible.map(presentMember), nextCursor };
    },
  };
}

export type GroupsService = ReturnType<typeof createGroupsService>;
