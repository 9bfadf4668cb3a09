import type { ForumCategory, ForumPost, Synthesis, Thread, ThreadSummary } from '@caucus/shared/schemas/forums.ts';
import type { Author } from '@caucus/shared/schemas/posts.ts';
import { canDeleteForumPost, canEditOwn, canEndorseSynthesis, canModerateForum, canReplyInThread, canStartThread, type MaybeViewer } from '#core/policy.ts';
import type { ImageRow } from '#features/media/queries.ts';
import { presentImageColumn } from '#features/media/service.ts';
import { accessOf, type ForumContext } from './scope.ts';
import type { CategoryAccessSubject } from '#core/policy.ts';
import type { CategoryRow, ForumPostRow, ThreadRow, ThreadSummaryRow } from './statements.ts';
import type { SynthesisRow } from './synthesis-statements.ts';

// Pure functions from loaded rows to JSON: the same post for every reader (and live subscribers),
// `viewer` for what is this reader's own.

const iso = (value: Date | string): string => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null): string | null => (value === null ? null : iso(value));

export function authorOf(id: string, handle: string, displayName: string, avatar: ImageRow | null): Author {
  const image = presentImageColumn(avatar);
  return { id, handle, displayName, ...(image ? { avatar: image } : {}) };
}

export function presentCategory(row: CategoryRow, forum: ForumContext, viewer: MaybeViewer): ForumCategory {
  const access = accessOf(row);
  return {
    id: row.id,
    parentId: row.parent_id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    position: row.position,
    access,
    threadCount: row.thread_count,
    postCount: row.post_count,
    lastActivityAt: isoOrNull(row.last_activity_at),
    ...(viewer && row.unread_threads !== null ? { unreadThreads: row.unread_threads } : {}),
    viewer: { canStart: canStartThread(viewer, forum.subject, access) },
  };
}

export function presentThreadSummary(row: ThreadSummaryRow, viewer: MaybeViewer): ThreadSummary {
  const read = row.last_read_position ?? 0;
  return {
    id: row.id,
    categoryId: row.category_id,
    title: row.title,
    author: authorOf(row.author_id, row.a_handle, row.a_display_name, row.a_avatar),
    createdAt: iso(row.created_at),
    postCount: row.post_count,
    lastPostAt: iso(row.last_post_at),
    lastPoster: row.lp_id && row.lp_handle && row.lp_display_name ? authorOf(row.lp_id, row.lp_handle, row.lp_display_name, row.lp_avatar) : null,
    pinned: row.pinned,
    closed: row.closed_at !== null,
    archived: row.archived_at !== null,
    ...(viewer ? { lastReadPosition: read, unreadPosts: Math.max(0, row.post_count - read) } : {}),
  };
}

export function presentThread(row: ThreadRow, forum: ForumContext, viewer: MaybeViewer): Thread {
  const access = accessOf(row);
  return {
    id: row.id,
    scope: forum.scope,
    category: { id: row.category_id, slug: row.c_slug, name: row.c_name, parentId: row.c_parent_id },
    title: row.title,
    author: authorOf(row.author_id, row.a_handle, row.a_display_name, row.a_avatar),
    createdAt: iso(row.created_at),
    postCount: row.post_count,
    lastPostAt: iso(row.last_post_at),
    pinned: row.pinned,
    closedAt: isoOrNull(row.closed_at),
    archivedAt: isoOrNull(row.archived_at),
    slowModeSeconds: row.slow_mode_seconds,
    viewer: {
      canReply: row.archived_at === null && canReplyInThread(viewer, forum.subject, access, { closed: row.closed_at !== null }),
      canModerate: canModerateForum(viewer, forum.subject),
      ...(viewer ? { lastReadPosition: row.last_read_position, level: row.level ?? 'normal' } : {}),
    },
  };
}

/** The words of a quoted post, without its markup: a line to recognise it by. */
export function excerptOf(html: string): string {
  const text = html.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** A forum post as every reader of its thread sees it; deleted ones keep their number and lose their words. */
export function presentForumPost(row: ForumPostRow): ForumPost {
  const deleted = row.deleted_at !== null;
  const quote = !deleted && row.q_id && row.q_position !== null && row.qa_id && row.qa_handle && row.qa_display_name
    ? {
      postId: row.q_id,
      position: row.q_position,
      author: authorOf(row.qa_id, row.qa_handle, row.qa_display_name, null),
      excerpt: row.q_deleted || row.q_html === null ? '' : excerptOf(row.q_html),
    }
    : null;
  return {
    id: row.id,
    threadId: row.thread_id,
    position: row.position,
    author: authorOf(row.author_id, row.a_handle, row.a_display_name, row.a_avatar),
    bodyHtml: deleted ? '' : row.body_html,
    quote,
    createdAt: iso(row.created_at),
    editedAt: isoOrNull(row.edited_at),
    deleted,
    reactions: deleted ? {} : (row.reactions ?? {}),
  };
}

export function presentForumPostFor(row: ForumPostRow, forum: ForumContext, viewer: MaybeViewer): ForumPost {
  const post = presentForumPost(row);
  if (!viewer) return post;
  const canEdit = !post.deleted && canEditOwn(viewer, row.author_id);
  return {
    ...post,
    viewer: {
      canEdit,
      canDelete: !post.deleted && canDeleteForumPost(viewer, row.author_id, forum.subject),
      bookmarked: row.bookmarked,
      ...(canEdit ? { body: row.body } : {}),
    },
  };
}

/**
 * A synthesis for one reader. Its sources are posts of the same thread, which the reader of the
 * thread may read; a source deleted since keeps its number and loses its words.
 */
export function presentSynthesis(row: SynthesisRow, forum: ForumContext, access: CategoryAccessSubject, viewer: MaybeViewer): Synthesis {
  return {
    id: row.id,
    threadId: row.thread_id,
    version: row.version,
    author: row.author_id && row.s_handle && row.s_display_name ? authorOf(row.author_id, row.s_handle, row.s_display_name, row.s_avatar) : null,
    bodyHtml: row.body_html,
    createdAt: iso(row.created_at),
    sources: (row.sources ?? []).map((source) => ({
      postId: source.post_id,
      position: source.position,
      author: authorOf(source.author_id, source.handle, source.display_name, null),
      excerpt: source.deleted ? '' : excerptOf(source.html),
    })),
    endorsements: row.endorsements,
    ...(viewer ? { viewer: { endorsed: row.endorsed, canEndorse: canEndorseSynthesis(viewer, forum.subject, access) } } : {}),
  };
}
