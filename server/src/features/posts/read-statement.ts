import { sql, type RawBuilder } from 'kysely';
import type { GroupMemberState, GroupRole, GroupVisibility, ReactionKind } from '@caucus/shared/constants.ts';
import type { ReactionCounts } from '@caucus/shared/schemas/posts.ts';
import { PREPARED } from '#core/db.ts';
import type { ImageRow } from '#features/media/queries.ts';
import { imageColumn } from '#features/media/service.ts';
import type { PostRow } from './queries.ts';

// Every read of posts is ONE statement (ARCHITECTURE: a read is one round trip): a skeleton CTE
// picks the ids of a page, and the same statement hydrates them with everything presenting and the
// policy need — author, wall (group and the viewer's membership, or profile owner and whether they
// follow the viewer), reaction counts, the viewer's reaction, images. The rules then run in the
// application on what loaded (hydrate.ts), failing closed.
//
// A skeleton is a SELECT of (id uuid, sort_key text, part text, ord bigint): `ord` orders the answer,
// `part` tells apart what one statement loads for several uses (pinned posts and a wall's page).

/** What the hydration loads for one post, flat: one row per post. */
export interface HydratedRow extends PostRow {
  sort_key: string;
  part: string;
  ord: string;
  a_handle: string;
  a_display_name: string;
  a_avatar: ImageRow | null;
  g_slug: string | null;
  g_name: string | null;
  g_visibility: GroupVisibility | null;
  gm_state: GroupMemberState | null;
  gm_role: GroupRole | null;
  o_handle: string | null;
  o_display_name: string | null;
  o_visibility: 'public' | 'members' | null;
  o_verified: boolean | null;
  owner_follows_viewer: boolean;
  reactions: ReactionCounts | null;
  mine: ReactionKind | null;
  images: ImageRow[] | null;
}

const NO_ONE = '00000000-0000-0000-0000-000000000000';

/**
 * The hydrating SELECT over a CTE named `skeleton`. Each join is by primary key or by a unique
 * index (group_members_pkey, reactions_pkey, post_media by post), so a page of n posts costs n
 * short index probes per kind of data, inside one statement. `extra` adds columns computed per post.
 */
export function hydrationSelect(viewerId: string | null, extra: RawBuilder<unknown> = sql``): RawBuilder<HydratedRow> {
  const viewer = viewerId ?? NO_ONE;
  return sql<HydratedRow>`
    SELECT p.id, p.author_id, p.wall, p.group_id, p.profile_id, p.body, p.body_html, p.comment_count, p.reaction_count,
      p.pinned_at, p.edited_at, p.created_at, s.sort_key, s.part, s.ord,
      a.handle AS a_handle, a.display_name AS a_display_name, ${imageColumn('a.avatar_id')} AS a_avatar,
      g.slug AS g_slug, g.name AS g_name, g.visibility AS g_visibility, gm.state AS gm_state, gm.role AS gm_role,
      o.handle AS o_handle, o.display_name AS o_display_name, o.profile_visibility AS o_visibility, o.email_verified_at IS NOT NULL AS o_verified,
      (p.profile_id IS NOT NULL AND EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = p.profile_id AND f.followee_id = ${viewer}::uuid)) AS owner_follows_viewer,
      (SELECT json_object_agg(rc.kind, rc.n) FROM (SELECT r.kind, count(*)::int AS n FROM reactions r WHERE r.post_id = p.id GROUP BY r.kind) rc) AS reactions,
      (SELECT r.kind FROM reactions r WHERE r.post_id = p.id AND r.member_id = ${viewer}::uuid) AS mine,
      (SELECT json_agg(json_build_object('id', m.id, 'storage_key', m.storage_key, 'alt', m.alt, 'width', m.width, 'height', m.height,
          'animated', m.animated, 'placeholder', m.placeholder, 'variants', m.variants) ORDER BY pm.position)
        FROM post_media pm JOIN media m ON m.id = pm.media_id WHERE pm.post_id = p.id) AS images
      ${extra}
    FROM skeleton s
    JOIN posts p ON p.id = s.id AND p.deleted_at IS NULL
    JOIN members a ON a.id = p.author_id
    LEFT JOIN groups g ON g.id = p.group_id
    LEFT JOIN group_members gm ON gm.group_id = p.group_id AND gm.member_id = ${viewer}::uuid
    LEFT JOIN members o ON o.id = p.profile_id`;
}

/** A skeleton and its hydration, in one statement (prepared: its shape is fixed), in the skeleton's order. */
export function hydratedPosts(skeleton: RawBuilder<unknown>, viewerId: string | null, extra?: RawBuilder<unknown>): RawBuilder<HydratedRow> {
  return sql<HydratedRow>`${sql.raw(PREPARED)} WITH skeleton AS MATERIALIZED (${skeleton}) ${hydrationSelect(viewerId, extra)} ORDER BY s.ord`;
}

/** Posts by id, in the order given. */
export const idsSkeleton = (ids: readonly string[]): RawBuilder<unknown> =>
  sql`SELECT t.id, ''::text AS sort_key, 'ids'::text AS part, t.ord FROM unnest(${[...ids]}::uuid[]) WITH ORDINALITY AS t(id, ord)`;

/**
 * A wall's row (whatever the caller's CTE `wall` selects) and its posts, in one statement: one row
 * per post with the wall's columns as JSON beside it, or one row with no post when the wall has
 * none, or no row at all when the wall does not exist.
 */
export function wallWithPosts<W>(wall: RawBuilder<unknown>, skeleton: RawBuilder<unknown>, viewerId: string | null): RawBuilder<{ wall_row: W } & Partial<HydratedRow>> {
  return sql<{ wall_row: W } & Partial<HydratedRow>>`${sql.raw(PREPARED)}
    WITH wall AS MATERIALIZED (${wall}), skeleton AS MATERIALIZED (${skeleton})
    SELECT row_to_json(w) AS wall_row, h.* FROM wall w
    LEFT JOIN LATERAL (${hydrationSelect(viewerId)}) h ON true
    ORDER BY h.ord`;
}
