import type { GroupMember, Group, GroupSettings, GroupSummary, GroupViewerState, Territory } from '@caucus/shared/schemas/groups.ts';
import {
  canManageGroup, canModerateGroup, canPostOnWall, canReadGroupContent, joinMode, type GroupMembershipRow, type MaybeViewer,
} from '#core/policy.ts';
import { presentImageColumn as presentImage } from '#features/media/service.ts';
import type { GroupMemberRow, GroupRow, GroupSummaryRow } from './queries.ts';

// Pure functions from loaded rows to the API's JSON.

export function presentTerritory(row: Pick<GroupSummaryRow, 'territory_kind' | 'territory_code' | 'territory_name' | 'department_code'>): Territory | null {
  if (!row.territory_kind || !row.territory_code) return null;
  return {
    kind: row.territory_kind,
    code: row.territory_code,
    name: row.territory_name ?? row.territory_code,
    ...(row.territory_kind === 'commune' && row.department_code ? { departmentCode: row.department_code } : {}),
  };
}

const EXCERPT_LENGTH = 200;
const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&nbsp;': ' ' };

/** The first words of sanitized HTML as plain text (the web escapes it again). */
export function excerptOf(html: string): string {
  const text = html
    // Blocks and line breaks part words; inline tags (strong, em, a…) sit inside them.
    .replace(/<\/?(?:p|br|li|ul|ol|blockquote|pre)\b[^>]*>/gi, ' ')
    .replace(/<[^>]*>?/g, '')
    .replace(/&(?:amp|lt|gt|quot|#39|#x27|nbsp);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH);
  const space = cut.lastIndexOf(' ');
  return `${(space > EXCERPT_LENGTH / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export function presentSummary(row: GroupSummaryRow): GroupSummary {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    visibility: row.visibility,
    territory: presentTerritory(row),
    memberCount: row.member_count,
    postCount: row.post_count,
    lastActivityAt: new Date(row.last_activity_at).toISOString(),
    excerpt: excerptOf(row.description_html),
  };
}

/** Every flag from the policy module: the page shows what the API would allow. */
export function presentViewerState(viewer: MaybeViewer, group: GroupRow, m: GroupMembershipRow): GroupViewerState {
  return {
    state: m?.state ?? null,
    role: m?.state === 'active' ? m.role : null,
    canReadContent: canReadGroupContent(viewer, group, m),
    canPost: canPostOnWall(viewer, { wall: 'group', group, membership: m }),
    canModerate: canModerateGroup(viewer, m),
    canManage: canManageGroup(viewer, m),
    joinMode: joinMode(viewer, group, m),
  };
}

export function presentGroup(row: GroupRow, viewer: MaybeViewer, m: GroupMembershipRow): Group {
  return {
    ...presentSummary(row),
    descriptionHtml: row.description_html,
    createdAt: new Date(row.created_at).toISOString(),
    ...(row.cover ? { cover: presentImage(row.cover) } : {}),
    viewer: presentViewerState(viewer, row, m),
  };
}

export function presentSettings(row: GroupRow): GroupSettings {
  return { name: row.name, slug: row.slug, description: row.description, visibility: row.visibility, territory: presentTerritory(row) };
}

export function presentMember(row: Pick<GroupMemberRow, 'id' | 'handle' | 'display_name' | 'state' | 'role' | 'created_at'>): GroupMember {
  return { id: row.id, handle: row.handle, displayName: row.display_name, state: row.state, role: row.role, since: new Date(row.created_at).toISOString() };
}
