// Every post of a group's wall names the same wall (the group's id, slug, name, visibility): the page
// data that SvelteKit embeds for hydration says it once, through the group, instead of twenty times.
import type { Group } from '@caucus/shared/schemas/groups.ts';
import type { Post, PostPage, PostWall } from '@caucus/shared/schemas/posts.ts';

/** A post whose wall may be left out: then it is the page's group's. */
export type CompactPost = Omit<Post, 'wall'> & { wall?: PostWall };
export type CompactPostPage = Omit<PostPage, 'posts' | 'pinned'> & { posts: CompactPost[]; pinned?: CompactPost[] };

const groupWall = (group: Group): PostWall => ({
  kind: 'group',
  group: { id: group.id, slug: group.slug, name: group.name, visibility: group.visibility },
});

function sameWall(a: PostWall, b: PostWall): boolean {
  return a.kind === b.kind && !a.profile && !b.profile && a.group?.id === b.group?.id && a.group?.slug === b.group?.slug
    && a.group?.name === b.group?.name && a.group?.visibility === b.group?.visibility;
}

/** On the server: leaves out each wall that is exactly the group's (any other stays, so nothing is lost). */
export function compactWall(page: PostPage, group: Group): CompactPostPage {
  const wall = groupWall(group);
  const compact = (post: Post): CompactPost => {
    if (!sameWall(post.wall, wall)) return post;
    const { wall: _wall, ...rest } = post;
    return rest;
  };
  return { ...page, posts: page.posts.map(compact), ...(page.pinned && { pinned: page.pinned.map(compact) }) };
}

/** On both sides, before the page renders: every post gets its wall back. */
export function expandWall(page: CompactPostPage, group: Group): PostPage {
  const wall = groupWall(group);
  const expand = (post: CompactPost): Post => ({ ...post, wall: post.wall ?? wall });
  const { posts, pinned, ...rest } = page;
  return { ...rest, posts: posts.map(expand), ...(pinned && { pinned: pinned.map(expand) }) };
}
