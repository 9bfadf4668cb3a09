import { expandPage } from '#lib/components/wall/page-data.ts';
import type { PageLoad } from './$types';

// The wall's posts came with what they repeat said once (the page data stays small): here they are
// made whole again, on the server and in the browser alike, before the page renders.
export const load: PageLoad = ({ data }) => ({ ...data, wall: data.wall && expandPage(data.wall) });
