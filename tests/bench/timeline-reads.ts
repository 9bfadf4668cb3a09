// Reads of the home feed in both designs, each ONE prepared statement hydrated by the app's own
// hydratedPosts: today's pull (homeFeedQuery), and the timeline with its same-statement re-check
// (timelineFeedQuery). The first page and the 51st, under 10 to 50 concurrent clients.
import type { DbOrTx } from '../../server/src/core/db.ts';
import { homeFeedQuery } from '../../server/src/features/posts/feed-queries.ts';
import type { Keyset } from '../../server/src/features/posts/queries.ts';
import { hydratedPosts, type HydratedRow } from '../../server/src/features/posts/read-statement.ts';
import { LIMITS } from '../../shared/src/constants.ts';
import { compareUnderLoad, type LoadFigure } from './timeline-load.ts';
import type { Reader } from './timeline-cast.ts';
import { servedByTimeline, timelineFeedQuery } from './timeline-statements.ts';
import { emptyRow, type TimelineRow } from './timeline-table.ts';

export const DESIGNS = { pull: homeFeedQuery, timeline: timelineFeedQuery };
export type Design = keyof typeof DESIGNS;
export const PAGE = LIMITS.pageSizeDefault;
const DEEP_PAGES = 50;

/** One page as the app reads it: `PAGE + 1` hydrated rows, the last one only telling that more exist. */
export async function readPage(db: DbOrTx, design: Design, memberId: string, after?: Keyset): Promise<HydratedRow[]> {
  return (await hydratedPosts(DESIGNS[design](memberId, after, PAGE), memberId).execute(db)).rows;
}

const nextKeyset = (rows: HydratedRow[]): Keyset | undefined =>
  rows.length > PAGE ? { sortKey: rows[PAGE - 1]!.sort_key, id: rows[PAGE - 1]!.id } : undefined;

/** The ids of the first DEEP_PAGES pages walked with `design`'s own statement, and the cursor after them (undefined when the feed ends sooner). */
async function walk(db: DbOrTx, design: Design, memberId: string): Promise<{ ids: string[]; deep: Keyset | undefined }> {
  const ids: string[] = [];
  let after: Keyset | undefined;
  for (let page = 0; page < DEEP_PAGES; page++) {
    const rows = await readPage(db, design, memberId, after);
    ids.push(...rows.slice(0, PAGE).map((row) => row.id));
    after = nextKeyset(rows);
    if (!after) return { ids, deep: undefined };
  }
  return { ids, deep: after };
}

/** How many pages, from the first, the timeline serves before the feed runs past its bound and is pulled. */
async function pagesFromTimeline(db: DbOrTx, memberId: string): Promise<number> {
  let after: Keyset | undefined;
  let pages = 0;
  while (pages <= DEEP_PAGES && (await servedByTimeline(memberId, after, PAGE).execute(db)).rows[0]?.served) {
    pages++;
    after = nextKeyset(await readPage(db, 'timeline', memberId, after));
    if (!after) break;
  }
  return pages;
}

export interface NamedReader { name: string; reader: Reader }

/** Whether both designs answer the same posts, page after page, down to the deep page included. */
async function samePages(db: DbOrTx, memberId: string): Promise<{ deep: Keyset | undefined; same: boolean }> {
  const pull = await walk(db, 'pull', memberId);
  const timeline = await walk(db, 'timeline', memberId);
  const deepPage = async (design: Design) => (pull.deep ? (await readPage(db, design, memberId, pull.deep)).slice(0, PAGE).map((row) => row.id).join() : '');
  const same = pull.ids.join() === timeline.ids.join() && JSON.stringify(pull.deep) === JSON.stringify(timeline.deep)
    && (await deepPage('pull')) === (await deepPage('timeline'));
  return { deep: pull.deep, same };
}

const loadColumns = (figure: LoadFigure) => ({ clients: figure.clients, perSecond: figure.perSecond, p50Ms: figure.p50Ms, p99Ms: figure.p99Ms });

/** Each reader, page and number of clients: pull and timeline in turns (compareUnderLoad). */
export async function readRows(db: DbOrTx, database: string, readers: NamedReader[], clientCounts: number[], log: (line: string) => void): Promise<TimelineRow[]> {
  const rows: TimelineRow[] = [];
  for (const { name, reader } of readers) {
    const { deep, same } = await samePages(db, reader.id);
    const served = await pagesFromTimeline(db, reader.id);
    const pages: Array<[string, Keyset | undefined]> = [['first page', undefined], ...(deep ? [[`page ${DEEP_PAGES + 1}`, deep] as [string, Keyset]] : [])];
    const note = same ? undefined : 'the two designs answer different posts';
    for (const [pageName, after] of pages) {
      for (const clients of clientCounts) {
        const figures = await compareUnderLoad(clients, {
          pull: () => readPage(db, 'pull', reader.id, after),
          timeline: () => readPage(db, 'timeline', reader.id, after),
        });
        for (const design of ['pull', 'timeline'] as const) log(`  ${database} ${name} ${pageName} ${design} ×${clients}: ${figures[design].perSecond}/s, p99 ${figures[design].p99Ms} ms`);
        const work = `read, ${name} (${reader.groups} groups, ${reader.follows} followees), ${pageName}`;
        const fromTimeline = (await servedByTimeline(reader.id, after, PAGE).execute(db)).rows[0]?.served;
        const timelineNote = [`${fromTimeline ? 'from the timeline' : 'pulled'} (it serves pages 1–${served}${served > DEEP_PAGES ? ' at least' : ''})`, note].filter(Boolean).join('; ');
        rows.push({ ...emptyRow(database, work, 'pull'), ...loadColumns(figures.pull), ...(note ? { note } : {}) });
        rows.push({
          ...emptyRow(database, work, 'timeline'), ...loadColumns(figures.timeline),
          vsPull: Math.round((figures.timeline.perSecond / figures.pull.perSecond) * 100) / 100, note: timelineNote,
        });
      }
    }
  }
  return rows;
}
