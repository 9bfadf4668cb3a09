import { expandWall } from './wall-data.ts';
import type { PageLoad } from './$types';

// The wall's posts came without their wall (the page data stays small): here they get it back,
// on the server and in the browser alike, before the page renders.
export const load: PageLoad = async ({ data, parent }) => {
  if (!data.wall) return { ...data, wall: null };
  const { group } = await parent();
  return { ...data, wall: expandWall(data.wall, group) };
};
