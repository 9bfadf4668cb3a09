import type { ReactionKind } from '@caucus/shared/constants.ts';
import { m } from '#lib/paraglide/messages.js';

/** The name a screen reader gives each reaction (the emoji alone would be read as "thumbs up sign"). */
export function reactionLabel(kind: ReactionKind): string {
  switch (kind) {
    case 'like':
      return m.reaction_like();
    case 'love':
      return m.reaction_love();
    case 'applause':
      return m.reaction_applause();
    case 'solidarity':
      return m.reaction_solidarity();
    case 'thinking':
      return m.reaction_thinking();
  }
}

/** The query parameter that opens one post's reaction buttons on a list of posts (without JavaScript). */
export const REACT_PARAM = 'react';

/** Where to come back after reacting: the same page, its buttons closed again. */
export function withoutReactParam(href: string): string {
  const url = new URL(href, 'http://caucus.invalid');
  url.searchParams.delete(REACT_PARAM);
  return `${url.pathname}${url.search}${url.hash}`;
}
