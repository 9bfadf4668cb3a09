import type { StreamingQuery } from '@caucus/shared/schemas/streaming.ts';
import type { Db } from '#core/db.ts';
import { canReadGroupContent, type Viewer } from '#core/policy.ts';
import { loadGroupAccess } from '#features/groups/access.ts';
import type { Stream } from './audience.ts';
import { findGroupIdBySlug } from './queries.ts';

export function createStreamingService(deps: { db: Db }) {
  const { db } = deps;
  return {
    /** The stream a client asked for, or null when it names no group this viewer may read (unknown and secret alike). */
    async resolveStream(viewer: Viewer, query: StreamingQuery): Promise<Stream | null> {
      if ((query.stream ?? 'home') === 'home') return { kind: 'home' };
      const groupId = query.group ? await findGroupIdBySlug(db, query.group) : undefined;
      if (!groupId) return null;
      const group = (await loadGroupAccess(db, viewer.id, [groupId])).get(groupId);
      if (!group || !canReadGroupContent(viewer, group, group.membership)) return null;
      return { kind: 'group', groupId: group.id, slug: group.slug };
    },
  };
}
