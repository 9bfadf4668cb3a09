import { sql } from 'kysely';
import { LIMITS } from '@caucus/shared/constants.ts';
import type { Synthesis, SynthesisHistory, SynthesisList, ThreadListQuery, WriteSynthesisBody } from '@caucus/shared/schemas/forums.ts';
import { decodeCursor, paginate } from '#core/cursor.ts';
import { PREPARED, type DbOrTx } from '#core/db.ts';
import { AppError, fieldError, forbidden, notFound } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { canEndorseSynthesis, canModerateForum, canReadCategory, type MaybeViewer, type Viewer } from '#core/policy.ts';
import { prepareText } from '#features/posts/text.ts';
import { assertReadableForum, visibleForum } from './categories.ts';
import type { ForumsDeps } from './deps.ts';
import { authorOf, presentSynthesis } from './present.ts';
import * as q from './queries.ts';
import { accessOf, contextOf, type ForumContext, type ForumRef } from './scope.ts';
import { threadStatement, type ThreadRow } from './statements.ts';
import { currentSynthesis, synthesisListStatement, synthesisVersions, type SynthesisRow } from './synthesis-statements.ts';

// "Synthèse des débats": what a moderator draws from a thread for the campaign team, above the
// thread for everyone who reads it, rewritten as versions, endorsed by members.

const NO_ONE = '00000000-0000-0000-0000-000000000000';

async function loadCurrent(db: DbOrTx, threadId: string, viewerId: string | null): Promise<SynthesisRow | undefined> {
  const { rows } = await sql<SynthesisRow>`${sql.raw(PREPARED)} ${currentSynthesis(sql`${threadId}::uuid`, viewerId ?? NO_ONE)}`.execute(db);
  return rows[0];
}

/** The thread's live posts at these numbers, by number. */
async function livePostsAt(db: DbOrTx, threadId: string, positions: readonly number[]): Promise<Map<number, string>> {
  if (positions.length === 0) return new Map();
  const rows = await db.selectFrom('forum_posts').select(['id', 'position']).where('thread_id', '=', threadId).where('position', 'in', [...positions]).where('deleted_at', 'is', null).execute();
  return new Map(rows.map((row) => [row.position, row.id]));
}

export function createSynthesesService(deps: ForumsDeps) {
  const { db } = deps;

  async function readableThread(viewer: MaybeViewer, threadId: string): Promise<{ row: ThreadRow; forum: ForumContext }> {
    const row = await threadStatement(db, threadId, viewer?.id ?? null);
    const forum = row ? contextOf(row) : undefined;
    if (!row || !forum || !canReadCategory(viewer, visibleForum(viewer, forum, 'This thread').subject, accessOf(row))) throw notFound('This thread');
    return { row, forum };
  }

  async function answer(viewer: Viewer, row: ThreadRow, forum: ForumContext): Promise<Synthesis> {
    const current = await loadCurrent(db, row.id, viewer.id);
    if (!current) throw notFound('This synthesis');
    return presentSynthesis(current, forum, accessOf(row), viewer);
  }

  return {
    async write(viewer: Viewer, threadId: string, body: WriteSynthesisBody): Promise<Synthesis> {
      const { row, forum } = await readableThread(viewer, threadId);
      if (!canModerateForum(viewer, forum.subject)) throw forbidden("Only this forum's moderators write the synthesis of its debates.");
      const found = await livePostsAt(db, threadId, body.sources);
      const missing = body.sources.filter((position) => !found.has(position));
      if (missing.length > 0) {
        throw fieldError(400, 'sources', 'invalid_choice', `A synthesis draws on posts of its own thread: no post ${missing.map((n) => `#${n}`).join(', ')} here (or it was deleted)`);
      }
      const text = await prepareText(db, body.body);
      await db.transaction().execute(async (tx) => {
        // One writer at a time per thread: versions follow each other with no gap.
        const locked = await tx.selectFrom('forum_threads').select('id').where('id', '=', threadId).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
        if (!locked) throw notFound('This thread');
        const last = await tx.selectFrom('forum_syntheses').select((eb) => eb.fn.max('version').as('version')).where('thread_id', '=', threadId).executeTakeFirst();
        const version = Number(last?.version ?? 0) + 1;
        await tx.updateTable('forum_syntheses').set({ current: false }).where('thread_id', '=', threadId).where('current', '=', true).execute();
        const id = newId();
        await tx.insertInto('forum_syntheses').values({
          id, thread_id: threadId, group_id: forum.groupId, version, author_id: viewer.id, body: text.body, body_html: text.html, hashtags: text.hashtags,
        }).execute();
        if (found.size > 0) await tx.insertInto('forum_synthesis_sources').values([...found.values()].map((postId) => ({ synthesis_id: id, post_id: postId }))).execute();
        await q.logModeration(tx, { actorId: viewer.id, action: 'synthesis.write', subjectKind: 'thread', subjectId: threadId, groupId: forum.groupId, details: { version } });
      });
      return answer(viewer, row, forum);
    },

    async history(viewer: Viewer, threadId: string): Promise<SynthesisHistory> {
      const { forum } = await readableThread(viewer, threadId);
      if (!canModerateForum(viewer, forum.subject)) throw forbidden("Earlier versions of a synthesis are for this forum's moderators.");
      const rows = await synthesisVersions(db, threadId);
      return {
        versions: rows.map((row) => ({
          version: row.version,
          author: row.author_id && row.handle && row.display_name ? authorOf(row.author_id, row.handle, row.display_name, null) : null,
          createdAt: new Date(row.created_at).toISOString(),
          body: row.body,
          bodyHtml: row.body_html,
        })),
      };
    },

    async endorse(viewer: Viewer, threadId: string, endorsed: boolean): Promise<Synthesis> {
      const { row, forum } = await readableThread(viewer, threadId);
      const current = await loadCurrent(db, threadId, viewer.id);
      if (!current) throw notFound('This synthesis');
      if (!canEndorseSynthesis(viewer, forum.subject, accessOf(row))) {
        throw new AppError(403, 'forbidden', forum.subject.forum === 'group' ? 'Only the members of this group may endorse the synthesis of its debates.' : 'Confirm your e-mail address first.');
      }
      if (endorsed) {
        await db.insertInto('forum_synthesis_endorsements').values({ synthesis_id: current.id, member_id: viewer.id }).onConflict((oc) => oc.doNothing()).execute();
      } else {
        await db.deleteFrom('forum_synthesis_endorsements').where('synthesis_id', '=', current.id).where('member_id', '=', viewer.id).execute();
      }
      return answer(viewer, row, forum);
    },

    async list(viewer: MaybeViewer, ref: ForumRef, query: ThreadListQuery): Promise<SynthesisList> {
      const after = query.cursor ? decodeCursor(query.cursor, 'timestamp') : undefined;
      const limit = query.limit ?? LIMITS.pageSizeDefault;
      const rows = await synthesisListStatement(db, ref, viewer?.id ?? null, after, limit);
      const forum = visibleForum(viewer, rows[0] && contextOf(rows[0]), ref.kind === 'group' ? 'This group' : 'This forum');
      assertReadableForum(viewer, forum);
      const loaded = rows.filter((row) => row.synthesis !== null && row.t_id !== null);
      const { items, nextCursor } = paginate(loaded, limit, (row) => [row.sort_key!, row.synthesis!.id]);
      return {
        scope: forum.scope,
        // A synthesis of a category the viewer may not read is left out (the page may come out shorter).
        syntheses: items.flatMap((row) => {
          const access = { read: row.read_access!, start: row.start_access!, reply: row.reply_access! };
          if (!canReadCategory(viewer, forum.subject, access)) return [];
          return [{
            thread: { id: row.t_id!, title: row.t_title!, category: { id: row.c_id!, slug: row.c_slug!, name: row.c_name! }, postCount: row.t_post_count! },
            synthesis: presentSynthesis(row.synthesis!, forum, access, viewer),
          }];
        }),
        nextCursor,
      };
    },
  };
}
