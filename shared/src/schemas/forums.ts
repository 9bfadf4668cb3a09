import { Type, type Static } from 'typebox';
import { FORUM_ACCESS_LEVELS, LIMITS, THREAD_LEVELS } from '../constants.ts';
import { Cursor, PageLimit, Timestamp, Uuid } from './common.ts';
import { Author, ReactionCounts } from './posts.ts';

// Forums: the network's, and one per group. A forum is a list of categories (one level of
// subcategories); a category holds threads; a thread is its opening post and the replies after it,
// numbered from 1 (the opening post) in the order they were written.

export const ForumAccessLevel = Type.Enum(FORUM_ACCESS_LEVELS, {
  description: '`members`: whoever may read the forum (and, to write, take part in it); `moderators`: moderators and organizers (network moderators); `organizers`: organizers (network admins).',
});

/** Which forum: the network's, or a group's. */
export const ForumScope = Type.Union([
  Type.Object({ kind: Type.Literal('network') }),
  Type.Object({ kind: Type.Literal('group'), group: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), visibility: Type.String() }) }),
]);
export type ForumScope = Static<typeof ForumScope>;

export const CategoryAccess = Type.Object({ read: ForumAccessLevel, start: ForumAccessLevel, reply: ForumAccessLevel });
export type CategoryAccess = Static<typeof CategoryAccess>;

export const ForumCategory = Type.Object({
  id: Uuid,
  parentId: Type.Union([Uuid, Type.Null()]),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  position: Type.Integer(),
  access: CategoryAccess,
  threadCount: Type.Integer(),
  postCount: Type.Integer(),
  lastActivityAt: Type.Union([Timestamp, Type.Null()]),
  /** For a signed-in member: threads with posts they have not read (new threads included). */
  unreadThreads: Type.Optional(Type.Integer()),
  viewer: Type.Object({ canStart: Type.Boolean() }),
});
export type ForumCategory = Static<typeof ForumCategory>;

export const Forum = Type.Object({
  scope: ForumScope,
  /** Top-level categories in order, each followed in `categories` by its subcategories (parentId set). */
  categories: Type.Array(ForumCategory),
  viewer: Type.Object({ canManage: Type.Boolean({ description: 'Create, rename, order and set access of categories.' }) }),
});
export type Forum = Static<typeof Forum>;

const CategoryName = Type.String({ minLength: 1, maxLength: LIMITS.forumCategoryNameMax });
const CategoryDescription = Type.String({ maxLength: LIMITS.forumCategoryDescriptionMax });

export const CreateCategoryBody = Type.Object({
  name: CategoryName,
  description: Type.Optional(CategoryDescription),
  parentId: Type.Optional(Uuid),
  access: Type.Optional(Type.Partial(CategoryAccess)),
}, { additionalProperties: false });
export type CreateCategoryBody = Static<typeof CreateCategoryBody>;

export const UpdateCategoryBody = Type.Object({
  name: Type.Optional(CategoryName),
  description: Type.Optional(CategoryDescription),
  position: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.forumCategoriesPerForum })),
  access: Type.Optional(Type.Partial(CategoryAccess)),
}, { additionalProperties: false, minProperties: 1 });
export type UpdateCategoryBody = Static<typeof UpdateCategoryBody>;

export const ThreadLevel = Type.Enum(THREAD_LEVELS, {
  description: '`watching`: told of every reply; `tracking`: unread counts on lists; `normal`; `muted`: out of the lists.',
});
export const ThreadLevelBody = Type.Object({ level: ThreadLevel }, { additionalProperties: false });
export const ThreadLevelState = Type.Object({ level: ThreadLevel });

export const CategoryParams = Type.Object({ categoryId: Uuid });
export const ThreadParams = Type.Object({ threadId: Uuid });
export const ForumPostParams = Type.Object({ postId: Uuid });

/** A thread as lists show it. */
export const ThreadSummary = Type.Object({
  id: Uuid,
  categoryId: Uuid,
  title: Type.String(),
  author: Author,
  createdAt: Timestamp,
  /** Posts in the thread, the opening post included. */
  postCount: Type.Integer(),
  lastPostAt: Timestamp,
  lastPoster: Type.Union([Author, Type.Null()]),
  pinned: Type.Union([Type.Literal('category'), Type.Literal('forum'), Type.Null()]),
  closed: Type.Boolean(),
  archived: Type.Boolean(),
  /** For a signed-in member: the last post they read (0: never opened), and how many came after it. */
  lastReadPosition: Type.Optional(Type.Integer()),
  unreadPosts: Type.Optional(Type.Integer()),
});
export type ThreadSummary = Static<typeof ThreadSummary>;

export const ThreadListQuery = Type.Object({
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(PageLimit),
  archived: Type.Optional(Type.Boolean({ description: 'The archived threads instead of the active ones.' })),
});
export type ThreadListQuery = Static<typeof ThreadListQuery>;

export const ThreadList = Type.Object({
  scope: ForumScope,
  category: ForumCategory,
  /** Pinned threads, on the first page only. */
  pinned: Type.Optional(Type.Array(ThreadSummary)),
  threads: Type.Array(ThreadSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type ThreadList = Static<typeof ThreadList>;

export const ForumPost = Type.Object({
  id: Uuid,
  threadId: Uuid,
  /** 1 is the opening post; replies follow in the order they were written. */
  position: Type.Integer(),
  author: Author,
  bodyHtml: Type.String({ description: 'Sanitized HTML (Markdown subset, links, @mentions, #hashtags).' }),
  /** The reply this one quotes, linked back to. */
  quote: Type.Union([Type.Object({ postId: Uuid, position: Type.Integer(), author: Author, excerpt: Type.String() }), Type.Null()]),
  createdAt: Timestamp,
  editedAt: Type.Union([Timestamp, Type.Null()]),
  /** Deleted posts keep their place (the numbering holds) and lose their text. */
  deleted: Type.Boolean(),
  reactions: ReactionCounts,
  viewer: Type.Optional(Type.Object({
    canEdit: Type.Boolean(),
    canDelete: Type.Boolean(),
    bookmarked: Type.Boolean(),
    /** The raw Markdown, for the author's edit form. */
    body: Type.Optional(Type.String()),
  })),
});
export type ForumPost = Static<typeof ForumPost>;

export const Thread = Type.Object({
  id: Uuid,
  scope: ForumScope,
  category: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), parentId: Type.Union([Uuid, Type.Null()]) }),
  title: Type.String(),
  author: Author,
  createdAt: Timestamp,
  postCount: Type.Integer(),
  lastPostAt: Timestamp,
  pinned: Type.Union([Type.Literal('category'), Type.Literal('forum'), Type.Null()]),
  closedAt: Type.Union([Timestamp, Type.Null()]),
  /** Archived: read-only for everyone, out of the category's active list. */
  archivedAt: Type.Union([Timestamp, Type.Null()]),
  /** Slow mode: a member replies at most once per this many seconds (moderators are not held). */
  slowModeSeconds: Type.Union([Type.Integer(), Type.Null()]),
  viewer: Type.Object({
    canReply: Type.Boolean(),
    canModerate: Type.Boolean({ description: 'Pin, close and reopen the thread, delete any post, write its synthesis.' }),
    /** Signed in: the last post read before this answer (0: first visit). */
    lastReadPosition: Type.Optional(Type.Integer()),
    /** Signed in: how they follow the thread. */
    level: Type.Optional(ThreadLevel),
  }),
});
export type Thread = Static<typeof Thread>;

export const ThreadPageQuery = Type.Object({
  after: Type.Optional(Type.Integer({ minimum: 0, description: 'The posts after this position (keyset).' })),
  at: Type.Optional(Type.Integer({ minimum: 1, description: 'The page that holds this position ("jump to reply N").' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax })),
});
export type ThreadPageQuery = Static<typeof ThreadPageQuery>;

/** A post a synthesis draws on, linked back to it. */
export const SynthesisSource = Type.Object({ postId: Uuid, position: Type.Integer(), author: Author, excerpt: Type.String() });

export const Synthesis = Type.Object({
  id: Uuid,
  threadId: Uuid,
  /** 1 for the first; each rewrite is the next, the earlier ones readable by moderators. */
  version: Type.Integer(),
  author: Type.Union([Author, Type.Null()]),
  bodyHtml: Type.String({ description: 'Sanitized HTML from the moderator\'s Markdown.' }),
  createdAt: Timestamp,
  sources: Type.Array(SynthesisSource),
  /** Members who said "this synthesis represents the debate" (this version). */
  endorsements: Type.Integer(),
  viewer: Type.Optional(Type.Object({ endorsed: Type.Boolean(), canEndorse: Type.Boolean() })),
});
export type Synthesis = Static<typeof Synthesis>;

export const WriteSynthesisBody = Type.Object({
  body: Type.String({ minLength: 1, maxLength: LIMITS.synthesisMax }),
  /** The numbers of the thread's posts it draws on. */
  sources: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: LIMITS.synthesisSourcesMax, uniqueItems: true }),
}, { additionalProperties: false });
export type WriteSynthesisBody = Static<typeof WriteSynthesisBody>;

export const SynthesisVersion = Type.Object({
  version: Type.Integer(),
  author: Type.Union([Author, Type.Null()]),
  createdAt: Timestamp,
  body: Type.String({ description: 'The Markdown as written.' }),
  bodyHtml: Type.String(),
});
export const SynthesisHistory = Type.Object({ versions: Type.Array(SynthesisVersion) });
export type SynthesisHistory = Static<typeof SynthesisHistory>;

/** A forum's syntheses, newest first: each with its thread. */
export const SynthesisList = Type.Object({
  scope: ForumScope,
  syntheses: Type.Array(Type.Object({
    thread: Type.Object({ id: Uuid, title: Type.String(), category: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String() }), postCount: Type.Integer() }),
    synthesis: Synthesis,
  })),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type SynthesisList = Static<typeof SynthesisList>;

const synthesisFilters = {
  region: Type.Optional(Type.String({ pattern: '^[0-9]{2}$', description: 'A region\'s INSEE code: its groups\' forums.' })),
  department: Type.Optional(Type.String({ pattern: '^[0-9][0-9AB][0-9]?$', description: 'A department\'s code.' })),
  commune: Type.Optional(Type.String({ pattern: '^[0-9][0-9AB][0-9]{3}$', description: 'A commune\'s INSEE code.' })),
  national: Type.Optional(Type.Boolean({ description: 'Only the network forum\'s syntheses.' })),
  theme: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.hashtagMax, description: 'A hashtag of the synthesis (without #), or the address of its category.' })),
};

export const SynthesisReviewQuery = Type.Object({ ...synthesisFilters, cursor: Type.Optional(Cursor), limit: Type.Optional(PageLimit) }, { additionalProperties: false });
export type SynthesisReviewQuery = Static<typeof SynthesisReviewQuery>;

export const SynthesisExportQuery = Type.Object({
  ...synthesisFilters,
  format: Type.Union([Type.Literal('markdown'), Type.Literal('html')], { description: '`markdown`, or `html`: one page ready to print to PDF.' }),
  lang: Type.Optional(Type.Union([Type.Literal('fr'), Type.Literal('en')])),
}, { additionalProperties: false });
export type SynthesisExportQuery = Static<typeof SynthesisExportQuery>;

/** One synthesis as the campaign team reads it: where it comes from (forum, territory, category) and what it says. */
export const ReviewedSynthesis = Type.Object({
  scope: ForumScope,
  territory: Type.Union([Type.Object({ kind: Type.String(), code: Type.String(), name: Type.String(), departmentCode: Type.Union([Type.String(), Type.Null()]), regionCode: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
  thread: Type.Object({ id: Uuid, title: Type.String(), category: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String() }), postCount: Type.Integer() }),
  synthesis: Synthesis,
  hashtags: Type.Array(Type.String()),
});
export type ReviewedSynthesis = Static<typeof ReviewedSynthesis>;
export const SynthesisReview = Type.Object({ syntheses: Type.Array(ReviewedSynthesis), nextCursor: Type.Union([Type.String(), Type.Null()]) });
export type SynthesisReview = Static<typeof SynthesisReview>;

export const ThreadPage = Type.Object({
  thread: Thread,
  /** "Synthèse des débats", shown above the thread: its current version. */
  synthesis: Type.Union([Synthesis, Type.Null()]),
  posts: Type.Array(ForumPost),
  /** `after` of the previous and next pages; null at either end. */
  previousAfter: Type.Union([Type.Integer(), Type.Null()]),
  nextAfter: Type.Union([Type.Integer(), Type.Null()]),
});
export type ThreadPage = Static<typeof ThreadPage>;

export const ThreadTitle = Type.String({ minLength: LIMITS.threadTitleMin, maxLength: LIMITS.threadTitleMax });
const ForumPostBody = Type.String({ minLength: 1, maxLength: LIMITS.forumPostMax });

export const CreateThreadBody = Type.Object({ title: ThreadTitle, body: ForumPostBody }, { additionalProperties: false });
export type CreateThreadBody = Static<typeof CreateThreadBody>;

export const CreateReplyBody = Type.Object({
  body: ForumPostBody,
  quoteOf: Type.Optional(Type.Integer({ minimum: 1, description: 'The position of the post this reply quotes, in the same thread.' })),
}, { additionalProperties: false });
export type CreateReplyBody = Static<typeof CreateReplyBody>;

export const EditForumPostBody = Type.Object({ body: ForumPostBody }, { additionalProperties: false });

export const ReadPositionBody = Type.Object({ position: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const ReadPosition = Type.Object({ lastReadPosition: Type.Integer() });
export type ReadPosition = Static<typeof ReadPosition>;

export const SlowModeBody = Type.Object({ seconds: Type.Integer({ minimum: 10, maximum: 86400 }) }, { additionalProperties: false });
export const MoveThreadBody = Type.Object({ categoryId: Uuid, reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export const MergeThreadBody = Type.Object({ intoThreadId: Uuid, reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });
export const SplitThreadBody = Type.Object({
  positions: Type.Array(Type.Integer({ minimum: 2 }), { minItems: 1, maxItems: 200, uniqueItems: true, description: 'The posts to move, by number (not the opening post).' }),
  title: ThreadTitle,
  categoryId: Type.Optional(Uuid),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });
export type SplitThreadBody = Static<typeof SplitThreadBody>;

export const PinBody = Type.Object({ where: Type.Union([Type.Literal('category'), Type.Literal('forum')]) }, { additionalProperties: false });

/** A member's bookmarks, newest first: each post with its thread. */
export const BookmarkList = Type.Object({
  bookmarks: Type.Array(Type.Object({ bookmarkedAt: Timestamp, thread: Type.Object({ id: Uuid, title: Type.String() }), post: ForumPost })),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type BookmarkList = Static<typeof BookmarkList>;
