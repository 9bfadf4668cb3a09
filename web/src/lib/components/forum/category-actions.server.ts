// What a forum's managers do to its categories, from the forum's index page: create one, change
// one, move one up or down among its siblings. Each action answers with a redirect back to the
// index (with JavaScript, `use:enhance` follows it and the page data comes back fresh).
import { redirect, type RequestEvent } from '@sveltejs/kit';
import { FORUM_ACCESS_LEVELS, type ForumAccessLevel } from '@caucus/shared/constants.ts';
import type { CategoryAccess, CreateCategoryBody, Forum, ForumCategory, UpdateCategoryBody } from '@caucus/shared/schemas/forums.ts';
import { api } from '#lib/server/api.ts';
import { failWith, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import { m } from '#lib/paraglide/messages.js';
import { reorder } from './category-tree.ts';
import { forumFailure } from './forum-errors.server.ts';
import { forumApi, forumHref, type ForumRef } from './forum-paths.ts';

const ACCESS_FIELDS = ['access.read', 'access.start', 'access.reply'] as const;
const CATEGORY_FIELDS = ['name', 'description', 'parentId', ...ACCESS_FIELDS];

const isLevel = (value: string): value is ForumAccessLevel => (FORUM_ACCESS_LEVELS as readonly string[]).includes(value);

/** The three access choices as sent; a value that is no level is left out (the category keeps, or gets, "members"). */
function accessFrom(form: FormData): Partial<CategoryAccess> {
  const access: Partial<CategoryAccess> = {};
  for (const field of ACCESS_FIELDS) {
    const value = text(form, field);
    if (isLevel(value)) access[field.slice('access.'.length) as keyof CategoryAccess] = value;
  }
  return access;
}

const valuesOf = (form: FormData) => Object.fromEntries(CATEGORY_FIELDS.map((field) => [field, text(form, field)]));

const backToIndex = (ref: ForumRef, done: string, categoryId: string) => redirect(303, `${forumHref(ref)}?done=${done}#category-${categoryId}`);

export async function createCategory(event: RequestEvent, ref: ForumRef) {
  requireMember(event);
  const form = await event.request.formData();
  const description = text(form, 'description');
  const parentId = text(form, 'parentId');
  const body: CreateCategoryBody = { name: text(form, 'name'), ...(description && { description }), ...(parentId && { parentId }), access: accessFrom(form) };
  const res = await api<ForumCategory>(event, 'POST', `${forumApi(ref)}/categories`, body);
  if (!res.ok) return forumFailure(event, res, valuesOf(form), { form: 'category-new', fields: CATEGORY_FIELDS, submitted: form });
  backToIndex(ref, 'created', res.body.id);
}

export async function updateCategory(event: RequestEvent, ref: ForumRef) {
  requireMember(event);
  const form = await event.request.formData();
  const id = text(form, 'categoryId');
  const body: UpdateCategoryBody = { name: text(form, 'name'), description: text(form, 'description'), access: accessFrom(form) };
  const res = await api<ForumCategory>(event, 'PATCH', `/api/v1/forum-categories/${encodeURIComponent(id)}`, body);
  if (!res.ok) return forumFailure(event, res, { ...valuesOf(form), categoryId: id }, { form: `category-${id}`, fields: CATEGORY_FIELDS, submitted: form });
  backToIndex(ref, 'saved', id);
}

/** One place up or down among the categories of the same level: the positions that change, written one by one. */
export async function moveCategory(event: RequestEvent, ref: ForumRef) {
  requireMember(event);
  const form = await event.request.formData();
  const id = text(form, 'categoryId');
  const step = text(form, 'direction') === 'up' ? -1 : 1;
  const forum = expectOk(event, await api<Forum>(event, 'GET', forumApi(ref)));
  const moved = forum.categories.find((category) => category.id === id);
  if (!moved) return failWith(404, {}, m.error_not_found(), `move-${id}`);
  const siblings = forum.categories.filter((category) => category.parentId === moved.parentId);
  for (const { id: categoryId, position } of reorder(siblings, id, step)) {
    const res = await api<ForumCategory>(event, 'PATCH', `/api/v1/forum-categories/${encodeURIComponent(categoryId)}`, { position });
    if (!res.ok) return forumFailure(event, res, {}, { form: `move-${id}`, fields: [] });
  }
  backToIndex(ref, 'moved', id);
}
