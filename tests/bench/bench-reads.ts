// The JSON reads beside their one-query ceilings (ceiling-server.ts): the home feed, first page and
// deep page (the 51st), then a group's wall and a member's profile wall.
import { measure } from './lib.ts';
import type { Cast } from './setup.ts';
import { againstCeiling, withNote, type Row } from './table.ts';

export interface Target { caucus: string; ceiling: string; connections: number }

const DEEP_PAGES = 50;

async function ok(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  return response;
}

/** The query strings of page 51, walked through Caucus's cursor and through the ceiling's keyset. */
async function deepPages(target: Target, cast: Cast): Promise<{ caucus: string; ceiling: string; firstIdsMatch: boolean }> {
  let cursor = '';
  let keyset = '';
  let caucusFirst = '', ceilingFirst = '';
  for (let i = 0; i <= DEEP_PAGES; i++) {
    const page = await (await ok(`${target.caucus}/api/v1/feed${cursor ? `?cursor=${cursor}` : ''}`, { cookie: cast.reader.cookie })).json() as { posts: Array<{ id: string }>; nextCursor: string | null };
    const bare = await (await ok(`${target.ceiling}/ceiling/feed?member=${cast.reader.id}${keyset}`)).json() as { posts: Array<{ id: string }>; next: { before: string; id: string } | null };
    caucusFirst = page.posts[0]?.id ?? '';
    ceilingFirst = bare.posts[0]?.id ?? '';
    if (i === DEEP_PAGES || !page.nextCursor || !bare.next) break;
    cursor = encodeURIComponent(page.nextCursor);
    keyset = `&before=${encodeURIComponent(bare.next.before)}&id=${bare.next.id}`;
  }
  return { caucus: cursor ? `?cursor=${cursor}` : '', ceiling: keyset, firstIdsMatch: caucusFirst === ceilingFirst };
}

export async function feedRows(target: Target, cast: Cast, size: string): Promise<Row[]> {
  const get = { connections: target.connections, headers: { cookie: cast.reader.cookie } };
  const bare = { connections: target.connections };
  const ceilingUrl = `${target.ceiling}/ceiling/feed?member=${cast.reader.id}`;
  const deep = await deepPages(target, cast);
  const firstCeiling = await measure(ceilingUrl, bare);
  const first = await measure(`${target.caucus}/api/v1/feed`, get);
  const deepCeiling = await measure(`${ceilingUrl}${deep.ceiling}`, bare);
  const deepFigure = await measure(`${target.caucus}/api/v1/feed${deep.caucus}`, get);
  let deepRow = againstCeiling(`home feed JSON, page ${DEEP_PAGES + 1}, ${size} posts`, deepFigure, deepCeiling, 0.4, 100);
  if (!deep.firstIdsMatch) deepRow = withNote(deepRow, `Caucus and the ceiling start page ${DEEP_PAGES + 1} on different posts`);
  return [againstCeiling(`home feed JSON, first page, ${size} posts`, first, firstCeiling, 0.4, 100), deepRow];
}

export async function wallRows(target: Target, cast: Cast, size: string): Promise<Row[]> {
  const get = { connections: target.connections, headers: { cookie: cast.reader.cookie } };
  const bare = { connections: target.connections };
  const group = `/groups/${cast.bigGroup.slug}/posts`;
  const profile = `/profiles/${cast.profileHandle}/posts`;
  await ok(`${target.caucus}/api/v1${group}`, get.headers);
  await ok(`${target.caucus}/api/v1${profile}`, get.headers);
  const groupCeiling = await measure(`${target.ceiling}/ceiling${group}?member=${cast.reader.id}`, bare);
  const groupFigure = await measure(`${target.caucus}/api/v1${group}`, get);
  const profileCeiling = await measure(`${target.ceiling}/ceiling${profile}?member=${cast.reader.id}`, bare);
  const profileFigure = await measure(`${target.caucus}/api/v1${profile}`, get);
  return [
    againstCeiling(`group wall JSON (${cast.bigGroup.members} members), ${size} posts`, groupFigure, groupCeiling, 0.5),
    againstCeiling(`profile wall JSON, ${size} posts`, profileFigure, profileCeiling, 0.5),
  ];
}
