import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Ok } from '@caucus/shared/schemas/common.ts';
import {
  CategoryParams, CreateCategoryBody, CreateReplyBody, CreateThreadBody, EditForumPostBody, Forum, ForumCategory, ForumPost, ForumPostParams, PinBody,
  BookmarkList, MergeThreadBody, MoveThreadBody, ThreadLevelBody, ThreadLevelState, ReadPosition, SynthesisExportQuery, SynthesisReview, SynthesisReviewQuery, ReadPositionBody, SlowModeBody, SplitThreadBody, Synthesis, SynthesisHistory, SynthesisList, Thread, ThreadList, ThreadListQuery, ThreadPage, ThreadPageQuery, ThreadParams,
  UpdateCategoryBody, WriteSynthesisBody,
} from '@caucus/shared/schemas/forums.ts';
import { LIMITS } from '@caucus/shared/constants.ts';
import { requireViewer } from '#core/auth.ts';
import { getSettings } from '#core/settings.ts';
import { RATE_RULES } from '#core/rate-limit.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { createFollowingService } from './following.ts';
import { createCategoriesService } from './categories.ts';
import { createCategoryActivity } from './category-activity.ts';
import { createRepliesService } from './replies.ts';
import { createSynthesesService } from './syntheses.ts';
import { createThreadToolsService } from './thread-tools.ts';
import { EXPORT_MAX, exportHtml, exportMarkdown } from './synthesis-export.ts';
import { createSynthesisReviewService } from './synthesis-review.ts';
import type { ForumRef } from './statements.ts';
import { createThreadsService } from './threads.ts';

const Slug = Type.String({ minLength: 1, maxLength: LIMITS.groupSlugMax });
const CategorySlug = Type.String({ minLength: 1, maxLength: LIMITS.groupSlugMax });

export const forumRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const postsPerMinute = app.config.postsPerMinute;
  const deps = {
    db: app.db,
    events: app.events,
    rateRules: { thread: { ...RATE_RULES.postPerMember, limit: postsPerMinute }, reply: { ...RATE_RULES.commentPerMember, limit: postsPerMinute * 2 } },
    categoryActivity: createCategoryActivity(app.db),
    notifications: app.notifications,
  };
  const categories = createCategoriesService(deps);
  const threads = createThreadsService(deps);
  const replies = createRepliesService(deps);
  const syntheses = createSynthesesService(deps);
  const tools = createThreadToolsService(deps);
  const review = createSynthesisReviewService(deps);
  const following = createFollowingService(deps);
  const tags = ['forums'];

  // The network's forum and each group's are the same routes under two prefixes.
  const forums: Array<{ prefix: string; params?: ReturnType<typeof Type.Object>; ref: (params: Record<string, string>) => ForumRef; what: string }> = [
    { prefix: '/forum', ref: () => ({ kind: 'network' }), what: "the network's forum (members)" },
    { prefix: '/groups/:slug/forum', params: Type.Object({ slug: Slug }), ref: (params) => ({ kind: 'group', slug: params.slug! }), what: "a group's forum (whoever may read the group's content)" },
  ];
  for (const forum of forums) {
    const withCategory = Type.Object({ ...(forum.params?.properties ?? {}), category: CategorySlug });
    const ref = (params: unknown) => forum.ref(params as Record<string, string>);
    app.get(forum.prefix, { schema: { tags, summary: `The categories of ${forum.what}, with unread counts for a member.`, ...(forum.params && { params: forum.params }), response: { 200: Forum, ...errorResponses(401, 403, 404) } } },
      async (request) => categories.readForum(request.viewer, ref(request.params)));
    app.post(`${forum.prefix}/categories`, {
      schema: { tags, summary: `Add a category to ${forum.what} (its organizers; the network's admins).`, ...(forum.params && { params: forum.params }), body: CreateCategoryBody, response: { 201: ForumCategory, ...errorResponses(400, 401, 403, 404, 409) } },
    }, async (request, reply) => reply.status(201).send(await categories.createCategory(requireViewer(request), ref(request.params), request.body)));
    app.get(`${forum.prefix}/categories/:category/threads`, {
      schema: { tags, summary: 'A category\'s threads: pinned ones on the first page, then the most recently active first.', params: withCategory, querystring: ThreadListQuery, response: { 200: ThreadList, ...errorResponses(400, 401, 403, 404) } },
    }, async (request) => threads.listThreads(request.viewer, ref(request.params), request.params.category, request.query));
    app.post(`${forum.prefix}/categories/:category/threads`, {
      schema: { tags, summary: 'Start a thread: its title and opening post.', params: withCategory, body: CreateThreadBody, response: { 201: Thread, ...errorResponses(400, 401, 403, 404, 429) } },
    }, async (request, reply) => reply.status(201).send(await threads.createThread(requireViewer(request), ref(request.params), request.params.category, request.body)));
    app.get(`${forum.prefix}/syntheses`, {
      schema: { tags, summary: `The syntheses of the debates of ${forum.what}, newest first.`, ...(forum.params && { params: forum.params }), querystring: ThreadListQuery, response: { 200: SynthesisList, ...errorResponses(400, 401, 403, 404) } },
    }, async (request) => syntheses.list(request.viewer, ref(request.params), request.query));
  }

  app.patch('/forum-categories/:categoryId', {
    schema: { tags, summary: 'Rename, describe, order a category or change who may read, start threads and reply.', params: CategoryParams, body: UpdateCategoryBody, response: { 200: ForumCategory, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => categories.updateCategory(requireViewer(request), request.params.categoryId, request.body));

  app.get('/threads/:threadId', {
    schema: { tags, summary: 'A page of a thread: the posts after a position (`after`), or the page that holds one (`at`).', params: ThreadParams, querystring: ThreadPageQuery, response: { 200: ThreadPage, ...errorResponses(400, 404) } },
  }, async (request) => threads.threadPage(request.viewer, request.params.threadId, request.query));
  app.post('/threads/:threadId/posts', {
    schema: { tags, summary: 'Reply in a thread, quoting one of its posts if you like (`quoteOf`: its number).', params: ThreadParams, body: CreateReplyBody, response: { 201: ForumPost, ...errorResponses(400, 401, 403, 404, 409, 429) } },
  }, async (request, reply) => reply.status(201).send(await replies.reply(requireViewer(request), request.params.threadId, request.body)));
  app.put('/threads/:threadId/read', {
    schema: { tags, summary: 'Record how far I have read a thread (it never goes back).', params: ThreadParams, body: ReadPositionBody, response: { 200: ReadPosition, ...errorResponses(400, 401, 404) } },
  }, async (request) => threads.markRead(requireViewer(request), request.params.threadId, request.body.position));

  const moderation = (summary: string) => ({ tags, summary, params: ThreadParams, response: { 200: Thread, ...errorResponses(400, 401, 403, 404) } });
  app.put('/threads/:threadId/pin', { schema: { ...moderation('Pin a thread above its category, or above every category of its forum (moderators).'), body: PinBody } },
    async (request) => threads.setPinned(requireViewer(request), request.params.threadId, request.body.where));
  app.delete('/threads/:threadId/pin', { schema: moderation('Unpin a thread (moderators).') }, async (request) => threads.setPinned(requireViewer(request), request.params.threadId, null));
  app.put('/threads/:threadId/close', { schema: moderation('Close a thread: no more replies but from moderators.') }, async (request) => threads.setClosed(requireViewer(request), request.params.threadId, true));
  app.delete('/threads/:threadId/close', { schema: moderation('Reopen a closed thread.') }, async (request) => threads.setClosed(requireViewer(request), request.params.threadId, false));
  app.put('/threads/:threadId/archive', { schema: moderation('Archive a thread: read-only for everyone, out of its category\'s active list.') }, async (request) => tools.setArchived(requireViewer(request), request.params.threadId, true));
  app.delete('/threads/:threadId/archive', { schema: moderation('Bring an archived thread back.') }, async (request) => tools.setArchived(requireViewer(request), request.params.threadId, false));
  app.put('/threads/:threadId/slow-mode', { schema: { ...moderation('Slow mode: each member replies at most once per this many seconds.'), body: SlowModeBody } },
    async (request) => tools.setSlowMode(requireViewer(request), request.params.threadId, request.body.seconds));
  app.delete('/threads/:threadId/slow-mode', { schema: moderation('End slow mode.') }, async (request) => tools.setSlowMode(requireViewer(request), request.params.threadId, null));
  const reshape = (summary: string) => ({ tags, summary, params: ThreadParams, response: { 200: Thread, ...errorResponses(400, 401, 403, 404, 409) } });
  app.post('/threads/:threadId/move', { schema: { ...reshape('Move a thread to another category of its forum (one you may start threads in).'), body: MoveThreadBody } },
    async (request) => tools.move(requireViewer(request), request.params.threadId, request.body.categoryId, request.body.reason));
  app.post('/threads/:threadId/merge', { schema: { ...reshape('Merge this thread into another of its forum: its posts follow the other\'s, its address leads there. Refused when it would show posts to more readers.'), body: MergeThreadBody } },
    async (request) => tools.merge(requireViewer(request), request.params.threadId, request.body.intoThreadId, request.body.reason));
  app.post('/threads/:threadId/split', { schema: { ...reshape('Split posts off into a new thread (answers the new thread).'), body: SplitThreadBody } },
    async (request) => tools.split(requireViewer(request), request.params.threadId, request.body));

  app.put('/threads/:threadId/synthesis', {
    schema: { tags, summary: "Write the synthesis of a thread's debate (its forum's moderators): a new version each time, the earlier ones kept.", params: ThreadParams, body: WriteSynthesisBody, response: { 200: Synthesis, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => syntheses.write(requireViewer(request), request.params.threadId, request.body));
  app.get('/threads/:threadId/synthesis/versions', {
    schema: { tags, summary: 'Every version of a thread\'s synthesis, newest first (moderators).', params: ThreadParams, response: { 200: SynthesisHistory, ...errorResponses(401, 403, 404) } },
  }, async (request) => syntheses.history(requireViewer(request), request.params.threadId));
  const endorsement = (summary: string) => ({ tags, summary, params: ThreadParams, response: { 200: Synthesis, ...errorResponses(401, 403, 404) } });
  app.put('/threads/:threadId/synthesis/endorsement', { schema: endorsement('"This synthesis represents the debate": one endorsement per member and version.') },
    async (request) => syntheses.endorse(requireViewer(request), request.params.threadId, true));
  app.delete('/threads/:threadId/synthesis/endorsement', { schema: endorsement('Take back my endorsement.') },
    async (request) => syntheses.endorse(requireViewer(request), request.params.threadId, false));

  app.get('/syntheses', {
    schema: { tags, summary: "The campaign team's view: every forum's syntheses, newest first, by territory and theme (network moderators and admins).", querystring: SynthesisReviewQuery, response: { 200: SynthesisReview, ...errorResponses(400, 401, 403) } },
  }, async (request) => review.review(requireViewer(request), request.query));
  app.get('/syntheses/export', {
    schema: { tags, summary: `The same syntheses as one document: Markdown, or HTML ready to print to PDF (at most ${EXPORT_MAX}).`, querystring: SynthesisExportQuery, produces: ['text/markdown', 'text/html'], response: { 200: Type.String({ description: 'The document.' }), ...errorResponses(400, 401, 403) } },
  }, async (request, reply) => {
    const { format, lang = 'fr', ...filters } = request.query;
    const entries = await review.all(requireViewer(request), filters, EXPORT_MAX);
    const network = (await getSettings(app.db)).name;
    const stamp = new Date().toISOString().slice(0, 10);
    const [body, type, extension] = format === 'html'
      ? [exportHtml(entries, filters, network, app.config.publicUrl, lang), 'text/html; charset=utf-8', 'html']
      : [exportMarkdown(entries, filters, network, app.config.publicUrl, lang), 'text/markdown; charset=utf-8', 'md'];
    return reply.type(type).header('content-disposition', `attachment; filename="syntheses-${stamp}.${extension}"`).header('cache-control', 'no-store').send(body);
  });

  app.put('/threads/:threadId/level', {
    schema: { tags, summary: 'How I follow a thread: watching (told of every reply), tracking (unread counts), normal, or muted (out of the lists).', params: ThreadParams, body: ThreadLevelBody, response: { 200: ThreadLevelState, ...errorResponses(400, 401, 404) } },
  }, async (request) => following.setLevel(requireViewer(request), request.params.threadId, request.body.level));
  const bookmark = (summary: string) => ({ tags, summary, params: ForumPostParams, response: { 200: Ok, ...errorResponses(401, 404) } });
  app.put('/forum-posts/:postId/bookmark', { schema: bookmark('Bookmark a forum post.') }, async (request) => {
    await following.setBookmark(requireViewer(request), request.params.postId, true);
    return { ok: true as const };
  });
  app.delete('/forum-posts/:postId/bookmark', { schema: bookmark('Take a bookmark away.') }, async (request) => {
    await following.setBookmark(requireViewer(request), request.params.postId, false);
    return { ok: true as const };
  });
  app.get('/me/bookmarks', {
    schema: { tags, summary: 'My bookmarked forum posts, newest first (those I may still read).', querystring: ThreadListQuery, response: { 200: BookmarkList, ...errorResponses(400, 401) } },
  }, async (request) => following.bookmarks(requireViewer(request), request.query));

  app.patch('/forum-posts/:postId', {
    schema: { tags, summary: 'Edit my post; the text before is kept for moderators.', params: ForumPostParams, body: EditForumPostBody, response: { 200: ForumPost, ...errorResponses(400, 401, 403, 404) } },
  }, async (request) => replies.editPost(requireViewer(request), request.params.postId, request.body.body));
  app.delete('/forum-posts/:postId', {
    schema: { tags, summary: 'Delete a post (its author, or a moderator): its number stays. The opening post takes its thread with it.', params: ForumPostParams, response: { 200: Ok, ...errorResponses(401, 403, 404) } },
  }, async (request) => {
    await replies.deletePost(requireViewer(request), request.params.postId);
    return { ok: true as const };
  });
};
