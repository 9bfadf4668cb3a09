import { expandPage } from '#lib/components/wall/page-data.ts';
import type { PageLoad } from './$types';

// The feed's posts came with what they repeat said once: made whole again before the page renders.
export const load: PageLoad = ({ data }) => ({ ...data, feed: data.feed && expandPage(data.feed) });
