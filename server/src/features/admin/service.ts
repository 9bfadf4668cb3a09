import type { AdminMember, AdminMemberPage, AdminMemberQuery, OutboxPage, OutboxQuery } from '@caucus/shared/schemas/admin.ts';
import { LIMITS, type NetworkRole } from '@caucus/shared/constants.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import type { Db } from '#core/db.ts';
import { forbidden, notFound } from '#core/errors.ts';
import { canChangeRole, canReadOutbox, isAdmin, type Viewer } from '#core/policy.ts';
import type { SessionRevocations } from '#core/session-cache.ts';
import { presentImageColumn as presentImage } from '#features/media/service.ts';
import * as q from './queries.ts';

type MemberRow = NonNullable<Awaited<ReturnType<typeof q.findMember>>>;

const presentMember = (row: MemberRow): AdminMember => ({
  id: row.id,
  handle: row.handle,
  displayName: row.display_name,
  email: row.email,
  emailVerified: row.email_verified_at !== null,
  role: row.role,
  createdAt: new Date(row.created_at).toISOString(),
  ...(row.avatar ? { avatar: presentImage(row.avatar) } : {}),
});


export function createAdminService(deps: { db: Db; sessions: SessionRevocations }) {
  const { db, sessions } = deps;
  return {
    async members(viewer: Viewer, query: AdminMemberQuery): Promise<AdminMemberPage> {
      if (!isAdmin(viewer)) throw forbidden('Only the network team may list every member.');
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const rows = await q.memberPage(db, { ...(query.q?.trim() ? { q: query.q.trim() } : {}), ...(query.cursor ? { after: decodeCursor(query.cursor, 'timestamp') } : {}), limit });
      const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.id]);
      return { members: items.map(presentMember), nextCursor };
    },

    async changeRole(viewer: Viewer, memberId: string, role: NetworkRole): Promise<AdminMember> {
      if (!isAdmin(viewer)) throw forbidden('Only the network team may change roles.');
      const changed = await db.transaction().execute(async (tx) => {
        const target = await q.findMember(tx, memberId);
        if (!target) throw notFound('This member');
        if (!canChangeRole(viewer, target, role)) {
          throw forbidden(target.id === viewer.id ? 'You cannot change your own role.' : 'Your role does not allow this change.');
        }
        return presentMember({ ...(await q.setRole(tx, memberId, role)), avatar: target.avatar });
      });
      sessions.forgetMember(memberId); // their sessions carry the role
      return changed;
    },

    async outbox(viewer: Viewer, query: OutboxQuery): Promise<OutboxPage> {
      if (!canReadOutbox(viewer)) throw forbidden('Only the network team may read the outbox.');
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const rows = await q.outboxPage(db, { ...(query.to ? { to: query.to.trim().toLowerCase() } : {}), ...(query.cursor ? { after: decodeCursor(query.cursor, 'timestamp') } : {}), limit });
      const { items, nextCursor } = paginate(rows, limit, (row) => [row.sort_key, row.id]);
      return {
        mails: items.map((row) => ({ id: row.id, to: row.to_address, subject: row.subject, text: row.text_body, createdAt: new Date(row.created_at).toISOString() })),
        nextCursor,
      };
    },
  };
}
