import { LIMITS } from '@caucus/shared/constants.ts';
import type { CreateCategoryBody, Forum, ForumCategory, UpdateCategoryBody } from '@caucus/shared/schemas/forums.ts';
import type { Db } from '#core/db.ts';
import { AppError, fieldError, forbidden, notFound, unauthenticated } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import { canManageForum, canReadCategory, canReadForum, canSeeGroup, type MaybeViewer, type Viewer } from '#core/policy.ts';
import { slugify } from '#features/groups/slug.ts';
import { presentCategory } from './present.ts';
import * as q from './queries.ts';
import { accessOf, contextOf, type ForumContext } from './scope.ts';
import { forumStatement, type CategoryRow, type ForumRef } from './statements.ts';

/** The forum, if this viewer may know it exists (a secret group's is a 404 like a missing one). */
export function visibleForum(viewer: MaybeViewer, forum: ForumContext | undefined, what = 'This forum'): ForumContext {
  if (!forum) throw notFound(what);
  if (forum.subject.forum === 'group' && !canSeeGroup(viewer, forum.subject.group, forum.subject.membership)) throw notFound(what);
  return forum;
}

/** The forum's content, or why not: sign in, or join the group. */
export function assertReadableForum(viewer: MaybeViewer, forum: ForumContext): void {
  if (canReadForum(viewer, forum.subject)) return;
  if (!viewer) throw unauthenticated();
  throw forbidden(forum.subject.forum === 'group' ? 'Join this group to read its forum.' : 'Confirm your e-mail address to read the forum.');
}

/** Top-level categories in order, each followed by its subcategories in order. */
export function inTreeOrder<T extends { id: string; parent_id: string | null; position: number; created_at: Date | string }>(rows: readonly T[]): T[] {
  const byOrder = (a: T, b: T) => a.position - b.position || new Date(a.created_at).getTime() - new Date(b.created_at).getTime();
  const tops = rows.filter((row) => row.parent_id === null).sort(byOrder);
  return tops.flatMap((top) => [top, ...rows.filter((row) => row.parent_id === top.id).sort(byOrder)]);
}

export function createCategoriesService(deps: { db: Db }) {
  const { db } = deps;

  async function loadForum(viewer: MaybeViewer, ref: ForumRef): Promise<{ forum: ForumContext; categories: CategoryRow[] }> {
    const rows = await forumStatement(db, ref, viewer?.id ?? null);
    const forum = visibleForum(viewer, rows[0] && contextOf(rows[0]), ref.kind === 'group' ? 'This group' : 'This forum');
    const categories = rows.filter((row): row is typeof row & CategoryRow => typeof row.id === 'string');
    return { forum, categories };
  }

  function uniqueSlug(name: string, taken: ReadonlySet<string>): string {
    const base = slugify(name, 'categorie');
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  }

  return {
    async readForum(viewer: MaybeViewer, ref: ForumRef): Promise<Forum> {
      const { forum, categories } = await loadForum(viewer, ref);
      assertReadableForum(viewer, forum);
      const readable = inTreeOrder(categories).filter((row) => canReadCategory(viewer, forum.subject, accessOf(row)));
      // A subcategory shows under its parent: one whose parent is hidden from this viewer is hidden too.
      const shown = new Set(readable.filter((row) => row.parent_id === null).map((row) => row.id));
      return {
        scope: forum.scope,
        categories: readable.filter((row) => row.parent_id === null || shown.has(row.parent_id)).map((row) => presentCategory(row, forum, viewer)),
        viewer: { canManage: canManageForum(viewer, forum.subject) },
      };
    },

    async createCategory(viewer: Viewer, ref: ForumRef, body: CreateCategoryBody): Promise<ForumCategory> {
      const { forum, categories } = await loadForum(viewer, ref);
      if (!canManageForum(viewer, forum.subject)) {
        throw forbidden(forum.subject.forum === 'group' ? "Only this group's organizers may arrange its forum." : 'Only the campaign team may arrange the forum.');
      }
      if (categories.length >= LIMITS.forumCategoriesPerForum) {
        throw new AppError(409, 'too_many', `A forum holds at most ${LIMITS.forumCategoriesPerForum} categories.`);
      }
      const parentId = body.parentId ?? null;
      if (parentId !== null) {
        const parent = categories.find((row) => row.id === parentId);
        if (!parent) throw fieldError(400, 'parentId', 'invalid_choice', 'Choose a category of this forum');
        if (parent.parent_id !== null) throw fieldError(400, 'parentId', 'invalid_choice', 'A subcategory cannot hold subcategories of its own: choose a top-level category');
      }
      const name = body.name.trim();
      if (name === '') throw fieldError(400, 'name', 'required', 'Give the category a name');
      const siblings = categories.filter((row) => row.parent_id === parentId);
      const row = await q.insertCategory(db, {
        id: newId(),
        group_id: forum.groupId,
        parent_id: parentId,
        slug: uniqueSlug(name, new Set(categories.map((c) => c.slug))),
        name,
        description: (body.description ?? '').trim(),
        position: siblings.reduce((max, c) => Math.max(max, c.position + 1), 0),
        read_access: body.access?.read ?? 'members',
        start_access: body.access?.start ?? 'members',
        reply_access: body.access?.reply ?? 'members',
      });
      return presentCategory({ ...row, unread_threads: 0 }, forum, viewer);
    },

    async updateCategory(viewer: Viewer, categoryId: string, body: UpdateCategoryBody): Promise<ForumCategory> {
      const loaded = await q.categoryWithScope(db, categoryId, viewer.id);
      const forum = loaded && contextOf(loaded);
      // A category one may not read is a 404 like a missing one.
      if (!loaded || !forum || !canReadCategory(viewer, visibleForum(viewer, forum, 'This category').subject, accessOf(loaded))) throw notFound('This category');
      if (!canManageForum(viewer, forum.subject)) throw forbidden('Only those who arrange this forum may change its categories.');
      const name = body.name?.trim();
      if (name === '') throw fieldError(400, 'name', 'required', 'Give the category a name');
      const row = await q.updateCategory(db, categoryId, {
        ...(name !== undefined ? { name } : {}),
        ...(body.description !== undefined ? { description: body.description.trim() } : {}),
        ...(body.position !== undefined ? { position: body.position } : {}),
        ...(body.access?.read ? { read_access: body.access.read } : {}),
        ...(body.access?.start ? { start_access: body.access.start } : {}),
        ...(body.access?.reply ? { reply_access: body.access.reply } : {}),
      });
      return presentCategory({ ...row, unread_threads: null }, forum, viewer);
    },
  };
}
