// The forums' hot paths beside their one-query ceilings (ceiling-server.ts), on the scale forums
// (setup.ts: BENCH_THREADS threads, BENCH_REPLIES replies): a thread's first and deep pages as
// JSON, a group forum's categories with a member's unread counts, and replies by 50 members in one
// thread and in 50 threads (against the same work in one bare statement).
import pg from 'pg';
import { measure } from './lib.ts';
import type { Cast } from './setup.ts';
import { absolute, againstCeiling, withNote, type Row } from './table.ts';

export interface ForumTarget { caucus: string; ceiling: string; connections: number }

export interface ForumCast {
  longThread: { id: string; posts: number };
  /** The reader's group with the most forum threads. */
  readerForum: string;
  /** Threads of the many-group posters' own groups, one each (same order as cast.manyGroupPosters). */
  ownThreads: string[];
  /** A thread of the big group (whose members post in it). */
  bigGroupThread: string;
}

export async function forumCastOf(databaseUrl: string, cast: Cast): Promise<ForumCast> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const [long] = (await db.query<{ id: string; posts: number }>('SELECT id, post_count AS posts FROM forum_threads ORDER BY post_count DESC, id LIMIT 1')).rows;
    const [forum] = (await db.query<{ slug: string }>(
      `SELECT g.slug FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE gm.member_id = $1 AND gm.state = 'active'
       ORDER BY (SELECT count(*) FROM forum_threads t WHERE t.group_id = g.id) DESC, g.id LIMIT 1`, [cast.reader.id])).rows;
    const own = await db.query<{ group_id: string; id: string }>(
      `SELECT DISTINCT ON (group_id) group_id, id FROM forum_threads WHERE group_id = ANY($1::uuid[]) AND deleted_at IS NULL ORDER BY group_id, post_count, id`,
      [cast.manyGroupPosters.map((poster) => poster.groupId)]);
    const byGroup = new Map(own.rows.map((row) => [row.group_id, row.id]));
    const [big] = (await db.query<{ id: string }>('SELECT id FROM forum_threads WHERE group_id = $1 AND deleted_at IS NULL ORDER BY post_count, id LIMIT 1', [cast.bigGroup.id])).rows;
    if (!long || !forum || !big) throw new Error('the benchmark databases have no forums: seed them (setup.ts)');
    return {
      longThread: long,
      readerForum: forum.slug,
      ownThreads: cast.manyGroupPosters.map((poster) => byGroup.get(poster.groupId) ?? big.id),
      bigGroupThread: big.id,
    };
  } finally {
    await db.end();
  }
}

const REPLY = JSON.stringify({ body: 'D’accord, et je propose qu’on en reparle jeudi à la réunion.' });

export async function forumRows(target: ForumTarget, cast: Cast, forum: ForumCast): Promise<Row[]> {
  const reader = { cookie: cast.reader.cookie };
  const deepAfter = Math.max(0, forum.longThread.posts - 20);
  const read = (path: string, ceilingPath: string) => Promise.all([
    measure(`${target.caucus}${path}`, { connections: target.connections, headers: reader }),
    measure(`${target.ceiling}${ceilingPath}`, { connections: target.connections }),
  ]).then(([figure, ceiling]) => ({ figure, ceiling }));

  const first = await read(`/api/v1/threads/${forum.longThread.id}`, `/ceiling/threads/${forum.longThread.id}?member=${cast.reader.id}`);
  const deep = await read(`/api/v1/threads/${forum.longThread.id}?after=${deepAfter}`, `/ceiling/threads/${forum.longThread.id}?member=${cast.reader.id}&after=${deepAfter}`);
  const categories = await read(`/api/v1/groups/${forum.readerForum}/forum`, `/ceiling/groups/${forum.readerForum}/forum?member=${cast.reader.id}`);

  const json = { 'content-type': 'application/json' };
  const caucusHeaders = { ...json, origin: target.caucus };
  const many = cast.manyGroupPosters;
  const manyFigure = await measure(`${target.caucus}/api/v1/threads/${forum.ownThreads[0]}/posts`, {
    method: 'POST', body: REPLY, connections: many.length, headers: caucusHeaders,
    perConnection: many.map((poster, i) => ({ path: `/api/v1/threads/${forum.ownThreads[i]}/posts`, headers: { cookie: poster.cookie } })),
  });
  const manyCeiling = await measure(`${target.ceiling}/ceiling/reply/${forum.ownThreads[0]}`, {
    method: 'POST', body: REPLY, connections: many.length, headers: json, perConnection: forum.ownThreads.map((id) => ({ path: `/ceiling/reply/${id}` })),
  });
  const oneFigure = await measure(`${target.caucus}/api/v1/threads/${forum.bigGroupThread}/posts`, {
    method: 'POST', body: REPLY, connections: cast.oneGroupPosters.length, headers: caucusHeaders, perConnection: cast.oneGroupPosters.map((cookie) => ({ headers: { cookie } })),
  });
  const oneCeiling = await measure(`${target.ceiling}/ceiling/reply/${forum.bigGroupThread}`, { method: 'POST', body: REPLY, connections: cast.oneGroupPosters.length, headers: json });

  const notes = (figure: { errors: number; non2xx: number }) => (figure.errors + figure.non2xx > 0 ? `${figure.errors} errors, ${figure.non2xx} non-2xx` : '');
  return [
    withNote(againstCeiling('thread JSON, first page (20 posts)', first.figure, first.ceiling, 0.4), notes(first.figure)),
    withNote(againstCeiling(`thread JSON, deep page (after post ${deepAfter})`, deep.figure, deep.ceiling, 0.4), notes(deep.figure)),
    withNote(againstCeiling('group forum categories with unread counts, a member', categories.figure, categories.ceiling, 0.4), notes(categories.figure)),
    withNote(absolute(`reply creation, ${many.length} members in ${many.length} threads`, manyFigure, manyCeiling, 500, 200), notes(manyFigure)),
    withNote(absolute(`reply creation, ${cast.oneGroupPosters.length} members in one thread`, oneFigure, oneCeiling, 500, 200), notes(oneFigure)),
  ];
}
