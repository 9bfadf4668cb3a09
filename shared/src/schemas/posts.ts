import { Type, type Static } from 'typebox';
import { LIMITS, REACTION_KINDS, WALLS } from '../constants.ts';
import { Cursor, PageLimit, Timestamp, Uuid } from './common.ts';
import { Image, MEDIA_LIMITS } from './media.ts';

export const WallKind = Type.Enum(WALLS);
export const ReactionKind = Type.Enum(REACTION_KINDS);

export const Author = Type.Object({ id: Uuid, handle: Type.String(), displayName: Type.String(), avatar: Type.Optional(Image) });
export type Author = Static<typeof Author>;

/** Counts per reaction kind; kinds nobody chose are absent. */
export const ReactionCounts = Type.Record(Type.String(), Type.Integer());
export type ReactionCounts = Static<typeof ReactionCounts>;

/** Where a post lives: the network wall, a group's wall or a member's profile wall. */
export const PostWall = Type.Object({
  kind: WallKind,
  group: Type.Optional(Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), visibility: Type.String() })),
  profile: Type.Optional(Author),
});
export type PostWall = Static<typeof PostWall>;

/**
 * A post as every reader of its wall sees it (the same JSON goes to live subscribers); `viewer`
 * holds what is this reader's own (their reaction, what they may do), absent in live events.
 */
export const Post = Type.Object({
  id: Uuid,
  wall: PostWall,
  author: Author,
  bodyHtml: Type.String({ description: 'Sanitized HTML: Markdown subset, links, @mentions and #hashtags made into links.' }),
  createdAt: Timestamp,
  editedAt: Type.Union([Timestamp, Type.Null()]),
  pinnedAt: Type.Union([Timestamp, Type.Null()]),
  commentCount: Type.Integer(),
  reactions: ReactionCounts,
  reactionCount: Type.Integer(),
  /** Up to six, in the author's order; absent when there are none. */
  images: Type.Optional(Type.Array(Image)),
  viewer: Type.Optional(
    Type.Object({
      reaction: Type.Union([ReactionKind, Type.Null()]),
      canEdit: Type.Boolean(),
      canDelete: Type.Boolean(),
      canPin: Type.Boolean(),
      canComment: Type.Boolean(),
      canReact: Type.Boolean(),
      /** The raw Markdown, for the author's edit form. */
      body: Type.Optional(Type.String()),
    }),
  ),
});
export type Post = Static<typeof Post>;

export const PostBody = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: LIMITS.postMax, description: 'Markdown subset; `@handle` mentions and `#hashtags` become links.' }) },
  { additionalProperties: false },
);
export type PostBody = Static<typeof PostBody>;

/** A new post: its text, and the images uploaded for it (`POST /media?purpose=post`), in order. */
export const CreatePostBody = Type.Object(
  {
    ...PostBody.properties,
    imageIds: Type.Optional(Type.Array(Uuid, { maxItems: MEDIA_LIMITS.imagesPerPost, description: 'Up to six of my uploads (purpose `post`), in the order shown.' })),
  },
  { additionalProperties: false },
);
export type CreatePostBody = Static<typeof CreatePostBody>;

export const PostParams = Type.Object({ postId: Uuid });
export const CommentParams = Type.Object({ commentId: Uuid });
export const HashtagParams = Type.Object({ tag: Type.String({ minLength: 1, maxLength: LIMITS.hashtagMax, pattern: '^[\\p{L}\\p{N}_]+$' }) });

export const PageQuery = Type.Object({ cursor: Type.Optional(Cursor), limit: Type.Optional(PageLimit) });
export type PageQuery = Static<typeof PageQuery>;

export const PostPage = Type.Object({
  /** Pinned posts, on the first page of a wall only. */
  pinned: Type.Optional(Type.Array(Post)),
  posts: Type.Array(Post),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  /** On a wall's pages: whether this viewer may post on it (the policy's answer), for the composer. */
  canPost: Type.Optional(Type.Boolean()),
});
export type PostPage = Static<typeof PostPage>;

export const Comment = Type.Object({
  id: Uuid,
  postId: Uuid,
  parentId: Type.Union([Uuid, Type.Null()]),
  author: Author,
  bodyHtml: Type.String(),
  createdAt: Timestamp,
  editedAt: Type.Union([Timestamp, Type.Null()]),
  deleted: Type.Boolean({ description: 'A deleted comment with replies stays as a placeholder, its text gone.' }),
  viewer: Type.Optional(Type.Object({ canEdit: Type.Boolean(), canDelete: Type.Boolean(), body: Type.Optional(Type.String()) })),
});
export type Comment = Static<typeof Comment>;

/** Top-level comments, oldest first, each with all of its replies. */
export const CommentThread = Type.Object({ comment: Comment, replies: Type.Array(Comment) });
export const CommentPage = Type.Object({ threads: Type.Array(CommentThread), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export type CommentPage = Static<typeof CommentPage>;

export const CommentBody = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: LIMITS.commentMax }),
    parentId: Type.Optional(Type.Union([Uuid, Type.Null()])),
  },
  { additionalProperties: false },
);
export type CommentBody = Static<typeof CommentBody>;
export const EditCommentBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: LIMITS.commentMax }) }, { additionalProperties: false });

export const ReactionBody = Type.Object({ kind: ReactionKind }, { additionalProperties: false });
export type ReactionBody = Static<typeof ReactionBody>;
export const ReactionState = Type.Object({ postId: Uuid, reactions: ReactionCounts, reactionCount: Type.Integer(), mine: Type.Union([ReactionKind, Type.Null()]) });
export type ReactionState = Static<typeof ReactionState>;

export const FollowState = Type.Object({ following: Type.Boolean(), followerCount: Type.Integer() });
export type FollowState = Static<typeof FollowState>;
