import { AsyncLocalStorage } from 'node:async_hooks';
import type { ValidSession } from './session.ts';

/**
 * One server-rendered page: the API calls it makes in process (page context, then its data) share
 * the session they looked up, so a page costs one session query, not one per call. Only reads
 * share it; any write in the page (a form action) empties it, so a logout is seen at once.
 */
export interface PageScope {
  sessions: Map<string, Promise<ValidSession | null>>;
}

export const pageScope = new AsyncLocalStorage<PageScope>();
