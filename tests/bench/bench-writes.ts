// Post creation through the API beside a bare INSERT route (ceiling-server.ts), two shapes: 50
// members each posting in their own group, and 50 members posting in one group.
import { measure } from './lib.ts';
import type { Cast } from './setup.ts';
import { absolute, type Row } from './table.ts';

export interface WriteTarget { caucus: string; ceiling: string }

const BODY = JSON.stringify({ body: 'Tractage samedi 10 h devant la gare, qui vient ? #mobilisation' });

export async function writeRows(target: WriteTarget, cast: Cast): Promise<Row[]> {
  const post = { method: 'POST' as const, body: BODY };
  const json = { 'content-type': 'application/json' };
  const caucusHeaders = { ...json, origin: target.caucus };
  const probe = await fetch(`${target.caucus}/api/v1/groups/${cast.bigGroup.slug}/posts`, { method: 'POST', body: BODY, headers: { ...caucusHeaders, cookie: cast.oneGroupPosters[0]! } });
  if (probe.status !== 201) throw new Error(`creating a post answered ${probe.status}: ${(await probe.text()).slice(0, 200)}`);

  const many = cast.manyGroupPosters;
  const manyCeiling = await measure(`${target.ceiling}/ceiling/post/${many[0]!.groupId}`, { ...post, connections: many.length, headers: json, perConnection: many.map((m) => ({ path: `/ceiling/post/${m.groupId}` })) });
  const manyFigure = await measure(`${target.caucus}/api/v1/groups/${many[0]!.slug}/posts`, {
    ...post, connections: many.length, headers: caucusHeaders, perConnection: many.map((m) => ({ path: `/api/v1/groups/${m.slug}/posts`, headers: { cookie: m.cookie } })),
  });
  const oneCeiling = await measure(`${target.ceiling}/ceiling/post/${cast.bigGroup.id}`, { ...post, connections: cast.oneGroupPosters.length, headers: json });
  const oneFigure = await measure(`${target.caucus}/api/v1/groups/${cast.bigGroup.slug}/posts`, {
    ...post, connections: cast.oneGroupPosters.length, headers: caucusHeaders, perConnection: cast.oneGroupPosters.map((cookie) => ({ headers: { cookie } })),
  });
  // The target is absolute (posts per second and p99); the ratio to the bare INSERT is shown beside it.
  const row = (work: string, figure: typeof oneFigure, ceiling: typeof oneFigure) => absolute(work, figure, ceiling, 500, 200);
  return [
    row(`post creation, ${many.length} members in ${many.length} groups`, manyFigure, manyCeiling),
    row(`post creation, ${cast.oneGroupPosters.length} members in one group`, oneFigure, oneCeiling),
  ];
}
