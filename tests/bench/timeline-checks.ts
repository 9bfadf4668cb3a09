// The condition on fan-out: a visibility change takes effect at once, though the timeline
// still holds the rows written before it. Each check makes one change inside a transaction that is
// rolled back, reads the first page again in both designs within it, and counts what is left of
// the group: it must be nothing, on a page still full.
import { sql } from 'kysely';
import type { Db, DbOrTx } from '../../server/src/core/db.ts';
import type { Keyset } from '../../server/src/features/posts/queries.ts';
import type { HydratedRow } from '../../server/src/features/posts/read-statement.ts';
import { PAGE, readPage } from './timeline-reads.ts';

/** `before` is null when no post of the kind was on the member's first pages: nothing to check. */
export interface FailClosedCheck { change: string; before: number | null; timelineAfter: number; pullAfter: number; fullPage: boolean; passed: boolean }

interface Change {
  name: string;
  /** The kind of post on the member's feed that the change must hide. */
  targets: (row: HydratedRow) => boolean;
  apply: (trx: DbOrTx, memberId: string, groupId: string) => Promise<unknown>;
}

const CHANGES: Change[] = [
  {
    name: 'banned from a private or secret group of theirs',
    targets: (row) => row.gm_state === 'active' && row.g_visibility !== 'public',
    apply: (trx, memberId, groupId) => sql`UPDATE group_members SET state = 'banned' WHERE group_id = ${groupId} AND member_id = ${memberId}`.execute(trx),
  },
  {
    name: 'left a private or secret group',
    targets: (row) => row.gm_state === 'active' && row.g_visibility !== 'public',
    apply: (trx, memberId, groupId) => sql`DELETE FROM group_members WHERE group_id = ${groupId} AND member_id = ${memberId}`.execute(trx),
  },
  {
    name: "a followee's public group (not theirs) made secret",
    targets: (row) => row.wall === 'group' && row.gm_state === null && row.g_visibility === 'public',
    apply: (trx, _memberId, groupId) => sql`UPDATE groups SET visibility = 'secret' WHERE id = ${groupId}`.execute(trx),
  },
];

export const SEARCHED_PAGES = 40;

class RolledBack extends Error {}

async function inRolledBackTransaction<T>(db: Db, work: (trx: DbOrTx) => Promise<T>): Promise<T> {
  let result: T | undefined;
  try {
    await db.transaction().execute(async (trx) => {
      result = await work(trx);
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
  return result!;
}

/** A post the change must hide, searched on the member's first SEARCHED_PAGES pages, and the cursor of its page. */
async function findTarget(db: Db, memberId: string, change: Change): Promise<{ groupId: string; page: Keyset | undefined } | undefined> {
  let page: Keyset | undefined;
  for (let pages = 0; pages < SEARCHED_PAGES; pages++) {
    const rows = await readPage(db, 'timeline', memberId, page);
    const found = rows.slice(0, PAGE).find(change.targets);
    if (found) return { groupId: found.group_id!, page };
    if (rows.length <= PAGE) return undefined;
    page = { sortKey: rows[PAGE - 1]!.sort_key, id: rows[PAGE - 1]!.id };
  }
  return undefined;
}

export async function failClosedChecks(db: Db, memberId: string): Promise<FailClosedCheck[]> {
  const checks: FailClosedCheck[] = [];
  for (const change of CHANGES) {
    const target = await findTarget(db, memberId, change);
    if (!target) {
      checks.push({ change: change.name, before: null, timelineAfter: 0, pullAfter: 0, fullPage: false, passed: false });
      continue;
    }
    const { groupId, page } = target;
    const inGroup = (rows: HydratedRow[]) => rows.slice(0, PAGE).filter((row) => row.group_id === groupId).length;
    const before = inGroup(await readPage(db, 'timeline', memberId, page));
    const { timelineRows, pullRows } = await inRolledBackTransaction(db, async (trx) => {
      await change.apply(trx, memberId, groupId);
      return { timelineRows: await readPage(trx, 'timeline', memberId, page), pullRows: await readPage(trx, 'pull', memberId, page) };
    });
    const timelineAfter = inGroup(timelineRows);
    const pullAfter = inGroup(pullRows);
    const fullPage = timelineRows.length === PAGE + 1;
    checks.push({ change: change.name, before, timelineAfter, pullAfter, fullPage, passed: timelineAfter === 0 && pullAfter === 0 && fullPage });
  }
  return checks;
}
