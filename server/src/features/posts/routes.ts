import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Ok } from '@caucus/shared/schemas/common.ts';
import { SlugParams } from '@caucus/shared/schemas/groups.ts';
import {
  Comment, CommentBody, CommentPage, CommentParams, CreatePostBody, EditCommentBody, HashtagParams, PageQuery, Post, PostBody, PostPage, PostParams, ReactionBody, ReactionState,
} from '@caucus/shared/schemas/posts.ts';
import { HandleParams } from '@caucus/shared/schemas/profiles.ts';
import { requireViewer } from '#core/auth.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { RATE_RULES } from '#core/rate-limit.ts';
import { createCommentsService } from './comments.ts';
import { createFeedService } from './feed.ts';
import { createGroupActivity } from './group-activity.ts';
import { createReactionsService } from './reactions.ts';
import { createWallsService } from './walls.ts';

export const postRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const postsPerMinute = app.config.postsPerMinute;
  const rateRules = {
    post: { ...RATE_RULES.postPerMember, limit: postsPerMinute },
    comment: { ...RATE_RULES.commentPerMember, limit: postsPerMinute * 2 },
  };
  const deps = { db: app.db, events: app.events, notifications: app.notifications, rateRules, groupActivity: createGroupActivity(app.db) };
  const walls = createWallsService(deps);
  const comments = createCommentsService(deps);
  const reactions = createReactionsService(deps);
  const feed = createFeedService({ db: app.db });
  const tags = ['posts'];
  const page = (summary: string) => ({ tags, summary, querystring: PageQuery, response: { 200: PostPage, ...errorResponses(400, 401, 403, 404) } });
  const create = (summary: string) => ({ tags, summary, body: CreatePostBody, response: { 201: Post, ...errorResponses(400, 401, 403, 404, 429) } });

  app.get('/feed', { schema: { ...page('My home feed: the network wall, my groups and the members I follow, newest first.'), response: { 200: PostPage, ...errorResponses(400, 401, 403) } } },
    async (request) => feed.home(request.viewer, request.query));

  app.get('/walls/network/posts', { schema: page('The network wall (members): pinned posts on the first page, then newest first.') },
    async (request) => walls.listWall(request.viewer, { kind: 'network' }, request.query));
  app.post('/walls/network/posts', { schema: create('Post on the network wall (owner and admins).') }, async (request, reply) =>
    reply.status(201).send(await walls.createPost(requireViewer(request), { kind: 'network' }, request.body.body, request.body.imageIds)));

  app.get('/groups/:slug/posts', { schema: { ...page("A group's wall, for those who may read its content."), params: SlugParams } },
    async (request) => walls.listWall(request.viewer, { kind: 'group', slug: request.params.slug }, request.query));
  app.post('/groups/:slug/posts', { schema: { ...create("Post on a group's wall (its active members)."), params: SlugParams } }, async (request, reply) =>
    reply.status(201).send(await walls.createPost(requireViewer(request), { kind: 'group', slug: request.params.slug }, request.body.body, request.body.imageIds)));

  app.get('/profiles/:handle/posts', { schema: { ...page("A member's profile wall."), params: HandleParams } },
    async (request) => walls.listWall(request.viewer, { kind: 'profile', handle: request.params.handle }, request.query));
  app.post('/profiles/:handle/posts', { schema: { ...create("Post on a member's profile wall (its owner, and the members they follow)."), params: HandleParams } }, async (request, reply) =>
    reply.status(201).send(await walls.createPost(requireViewer(request), { kind: 'profile', handle: request.params.handle }, request.body.body, request.body.imageIds)));

  app.get('/hashtags/:tag/posts', { schema: { ...page('The posts with this hashtag that I may read, newest first.'), params: HashtagParams } },
    async (request) => feed.hashtag(request.viewer, request.params.tag, request.query));

  app.get('/posts/:postId', { schema: { tags, summary: 'One post.', params: PostParams, response: { 200: Post, ...errorResponses(400, 404) } } },
    async (request) => walls.getPost(request.viewer, request.params.postId));
  app.patch('/posts/:postId', { schema: { tags, summary: 'Edit my post; it shows as edited.', params: PostParams, body: PostBody, response: { 200: Post, ...errorResponses(400, 401, 403, 404) } } },
    async (request) => walls.editPost(requireViewer(request), request.params.postId, request.body.body));
  app.delete('/posts/:postId', { schema: { tags, summary: 'Delete a post (its author, or a moderator of its wall): it disappears everywhere at once.', params: PostParams, response: { 200: Ok, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      await walls.deletePost(requireViewer(request), request.params.postId);
      return { ok: true as const };
    });
  const pin = (summary: string) => ({ tags, summary, params: PostParams, response: { 200: Post, ...errorResponses(401, 403, 404, 409) } });
  app.put('/posts/:postId/pin', { schema: pin('Pin a post at the top of its wall (organizers, admins, the profile owner).') },
    async (request) => walls.setPinned(requireViewer(request), request.params.postId, true));
  app.delete('/posts/:postId/pin', { schema: pin('Unpin a post.') }, async (request) => walls.setPinned(requireViewer(request), request.params.postId, false));

  app.get('/posts/:postId/comments', {
    schema: { tags, summary: "A post's comments: top-level ones oldest first, each with all its replies.", params: PostParams, querystring: PageQuery, response: { 200: CommentPage, ...errorResponses(400, 404) } },
  }, async (request) => comments.list(request.viewer, request.params.postId, request.query));
  app.post('/posts/:postId/comments', {
    schema: { tags, summary: 'Comment on a post, or reply to a top-level comment (`parentId`).', params: PostParams, body: CommentBody, response: { 201: Comment, ...errorResponses(400, 401, 403, 404, 429) } },
  }, async (request, reply) => reply.status(201).send(await comments.create(requireViewer(request), request.params.postId, request.body)));
  app.patch('/comments/:commentId', { schema: { tags, summary: 'Edit my comment.', params: CommentParams, body: EditCommentBody, response: { 200: Comment, ...errorResponses(400, 401, 403, 404) } } },
    async (request) => comments.edit(requireViewer(request), request.params.commentId, request.body.body));
  app.delete('/comments/:commentId', { schema: { tags, summary: 'Delete a comment (its author, or a moderator); one with replies stays as a placeholder.', params: CommentParams, response: { 200: Ok, ...errorResponses(401, 403, 404) } } },
    async (request) => {
      await comments.remove(requireViewer(request), request.params.commentId);
      return { ok: true as const };
    });

  const reactionAnswer = { 200: ReactionState, ...errorResponses(400, 401, 403, 404) };
  app.put('/posts/:postId/reaction', {
    schema: { tags, summary: 'Set my reaction to a post: one per member; another kind switches it, the same kind again changes nothing.', params: PostParams, body: ReactionBody, response: reactionAnswer },
  }, async (request) => reactions.react(requireViewer(request), request.params.postId, request.body.kind));
  app.delete('/posts/:postId/reaction', { schema: { tags, summary: 'Remove my reaction (none: nothing changes).', params: PostParams, response: reactionAnswer } },
    async (request) => reactions.unreact(requireViewer(request), request.params.postId));
};
