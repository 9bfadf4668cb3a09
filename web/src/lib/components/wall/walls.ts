import type { PostWall } from '@caucus/shared/schemas/posts.ts';

/** The page of the wall a post lives on: the group, the member's profile, or the home feed. */
export function wallHref(wall: PostWall): string {
  if (wall.kind === 'group' && wall.group) return `/groups/${wall.group.slug}`;
  if (wall.kind === 'profile' && wall.profile) return `/members/${wall.profile.handle}`;
  return '/';
}

/** Set by forms sent with JavaScript: the action then answers with the new state instead of a redirect. */
export const IN_PLACE_FIELD = 'inPlace';
