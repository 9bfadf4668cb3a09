// Words for groups that several pages show the same way: visibility, roles, places, counts.
import type { GroupCreationPolicy, GroupRole, GroupVisibility, NetworkRole } from '@caucus/shared/constants.ts';
import type { Territory } from '@caucus/shared/schemas/groups.ts';
import { m } from '#lib/paraglide/messages.js';

export function visibilityLabel(visibility: GroupVisibility): string {
  switch (visibility) {
    case 'public':
      return m.group_visibility_public();
    case 'private':
      return m.group_visibility_private();
    case 'secret':
      return m.group_visibility_secret();
  }
}

/** What the visibility means, in one sentence a member can act on. */
export function visibilityExplanation(visibility: GroupVisibility): string {
  switch (visibility) {
    case 'public':
      return m.group_visibility_public_text();
    case 'private':
      return m.group_visibility_private_text();
    case 'secret':
      return m.group_visibility_secret_text();
  }
}

export function groupRoleLabel(role: GroupRole): string {
  switch (role) {
    case 'organizer':
      return m.group_role_organizer();
    case 'moderator':
      return m.group_role_moderator();
    case 'member':
      return m.group_role_member();
  }
}

/** "Lyon (69)", "Rhône (département 69)", "Auvergne-Rhône-Alpes (région)": homonyms told apart. */
export function territoryLabel(territory: Territory): string {
  switch (territory.kind) {
    case 'commune':
      return territory.departmentCode ? `${territory.name} (${territory.departmentCode})` : territory.name;
    case 'department':
      return m.territory_label_department({ name: territory.name, code: territory.code });
    case 'region':
      return m.territory_label_region({ name: territory.name });
  }
}

/** The value of the hidden input that names a place exactly: `commune:69123`. */
export function territoryRefValue(territory: Pick<Territory, 'kind' | 'code'>): string {
  return `${territory.kind}:${territory.code}`;
}

/**
 * What the territory field holds: the text shown, and the exact place it names when one was
 * picked (`ref`, valid while the text still reads `refLabel`). See #lib/server/territory-input.ts.
 */
export type TerritoryInput = { text: string; ref: string; refLabel: string };

export function territoryInput(territory: Territory | null | undefined): TerritoryInput {
  if (!territory) return { text: '', ref: '', refLabel: '' };
  const label = territoryLabel(territory);
  return { text: label, ref: territoryRefValue(territory), refLabel: label };
}

/** Whether to offer "create a group": a verified member, unless the network keeps it to admins. The API decides. */
export function canCreateGroups(
  me: { role: NetworkRole; emailVerified: boolean } | null,
  network: { groupCreation?: GroupCreationPolicy },
): boolean {
  if (!me?.emailVerified) return false;
  return network.groupCreation !== 'admins' || me.role === 'owner' || me.role === 'admin';
}

/** What the group's header says after a membership act (`?membership=…`). */
export function membershipNotice(outcome: string | null): string | undefined {
  switch (outcome) {
    case 'created':
      return m.group_notice_created();
    case 'joined':
      return m.group_notice_joined();
    case 'requested':
      return m.group_notice_requested();
    case 'cancelled':
      return m.group_notice_cancelled();
    case 'accepted':
      return m.group_notice_accepted();
    case 'declined':
      return m.group_notice_declined();
    case 'left':
      return m.group_notice_left();
    case 'saved':
      return m.group_notice_saved();
    default:
      return undefined;
  }
}

/** Why a membership act failed (`?membership_error=<API code>`), for the group's header. */
export function membershipErrorText(code: string | null): string | undefined {
  switch (code) {
    case null:
      return undefined;
    case 'already_member':
      return m.group_error_already_member();
    case 'already_requested':
      return m.group_error_already_requested();
    case 'banned':
      return m.group_error_banned();
    case 'last_organizer':
      return m.group_error_last_organizer();
    case 'invitation_only':
      return m.group_error_invitation_only();
    case 'not_invited':
      return m.group_error_not_invited();
    case 'not_a_member':
      return m.group_error_not_a_member();
    case 'rate_limited':
      return m.error_rate_limited();
    default:
      return m.group_error_generic();
  }
}

/** The places offered after an ambiguous territory (see failTerritory), from a page's `form`. */
export function territoryChoices(form: object | null | undefined): Territory[] {
  if (!form || !('territoryChoices' in form) || !Array.isArray(form.territoryChoices)) return [];
  return form.territoryChoices as Territory[];
}
