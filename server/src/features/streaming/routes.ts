import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import websocket from '@fastify/websocket';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { WebSocket } from 'ws';
import { StreamingQuery, type StreamReady } from '@caucus/shared/schemas/streaming.ts';
import { fieldError } from '#core/errors.ts';
import { errorResponses } from '#core/route-schemas.ts';
import { authenticateAccessToken } from '#features/access-tokens/service.ts';
import { CLOSE, HEARTBEAT_MS, SHUTTING_DOWN } from './hub.ts';
import { createStreamingService } from './service.ts';

const PROTOCOL = `A plain WebSocket (RFC 6455) carrying the network's live events as JSON, for bots, bridges and apps.

**Authenticate** with a personal access token (create one at \`POST /api/v1/me/access-tokens\`): the \`Authorization: Bearer <token>\` header, or the \`access_token\` query parameter for clients that cannot set headers. The session cookie is not accepted here.

**Choose a stream**: \`stream=home\` (the default: posts on the network wall, in the groups you are active in and by the members you follow, their comments and reactions, and your own notifications), or \`stream=group&group=<slug>\` (one group you may read).

**Messages** are text frames \`{"event": "<name>", "payload": {…}}\`. The first is \`{"event": "stream.ready", "payload": {"stream": "home"}}\` (or \`{"stream": "group", "group": "<slug>"}\`): events published from then on will come. The others: \`post.created\`, \`post.updated\` (\`{post}\`), \`post.deleted\` (\`{postId, groupId}\`), \`comment.created\` (\`{comment, commentCount}\`), \`comment.updated\` (\`{comment}\`), \`comment.deleted\` (\`{postId, commentId, commentCount}\`), \`reaction.changed\` (\`{postId, reactions, reactionCount}\`), \`group.members\` (\`{groupId, memberCount}\`), and on the home stream only, \`notification.created\` (\`{notification, unreadCount}\`) and \`notifications.read\` (\`{unreadCount}\`). Each event is checked against your rights when it happens: leave a group, or be removed or banned from it, and its events stop at once. Messages you send are ignored.

**Heartbeat**: the server pings every ${HEARTBEAT_MS / 1000} s (WebSocket ping; every client library answers on its own) and drops a connection that did not answer the previous ping.

**Close codes**, each with a reason: \`4401\` unauthenticated, or the token was revoked; \`4404\` unknown stream (no such group, or not one you may read); \`4403\` you may no longer read the group of this stream; \`4408\` too slow (events piled up unread); \`1001\` the server is restarting: reconnect with a backoff. A malformed query is refused before the upgrade with an HTTP 400, and a plain HTTP request with 426.`;

export const streamingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const streams = createStreamingService({ db: app.db });
  const path = `${app.prefix}/streaming`;

  // @fastify/websocket would take every upgrade of the HTTP server, socket.io's included (and answer
  // it with a 404 through the router): hand it this route's upgrades only.
  const upgrades = new EventEmitter();
  const forward = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (request.url?.split('?')[0] === path) upgrades.emit('upgrade', request, socket, head);
  };
  app.server.on('upgrade', forward);
  app.addHook('onClose', async () => void app.server.off('upgrade', forward));

  await app.register(websocket, {
    options: { server: upgrades as never, maxPayload: 4096 },
    // Streams end with 1001, so that clients know to reconnect (the hub closes those it holds).
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(CLOSE.goingAway, SHUTTING_DOWN);
      this.websocketServer.close();
      done();
    },
    errorHandler: (error, socket, request) => {
      request.log.warn({ err: error }, 'streaming connection failed');
      if (socket.readyState === WebSocket.OPEN) socket.close(CLOSE.internalError, 'Something went wrong on our side: reconnect in a moment.');
      else socket.terminate();
    },
  });

  app.route({
    method: 'GET',
    url: '/streaming',
    schema: {
      tags: ['streaming'],
      summary: 'The streaming API: live events over a WebSocket, authenticated by a personal access token.',
      description: PROTOCOL,
      security: [{ bearer: [] }],
      querystring: StreamingQuery,
      response: errorResponses(400, 426),
    },
    preHandler: async (request) => {
      const { stream, group } = request.query;
      if (stream === 'group' && !group) throw fieldError(400, 'group', 'required', 'stream=group needs the group\'s slug: group=<slug>.');
      if (stream !== 'group' && group) throw fieldError(400, 'group', 'invalid_input', 'group=<slug> goes with stream=group.');
    },
    handler: async (_request, reply) => reply.status(426).header('upgrade', 'websocket').send({
      error: 'invalid_input',
      message: 'This is the streaming API: open it with a WebSocket client, and a personal access token.',
    }),
    wsHandler: async (socket, request) => {
      const identity = request.accessTokenId && request.viewer
        ? { tokenId: request.accessTokenId, viewer: request.viewer }
        : request.query.access_token ? await authenticateAccessToken(app.dbHandle, request.query.access_token) : null;
      if (!identity) return socket.close(CLOSE.unauthenticated, 'Unauthenticated: send a valid personal access token (Authorization: Bearer, or access_token).');
      const stream = await streams.resolveStream(identity.viewer, request.query);
      if (!stream) return socket.close(CLOSE.unknownStream, 'Unknown stream: no such group, or not one you may read.');
      if (socket.readyState !== WebSocket.OPEN) return; // the client left while we looked
      app.streaming.add({ socket, memberId: identity.viewer.id, tokenId: identity.tokenId, stream, alive: true });
      const ready: StreamReady = { event: 'stream.ready', payload: stream.kind === 'home' ? { stream: 'home' } : { stream: 'group', group: stream.slug } };
      socket.send(JSON.stringify(ready));
    },
  });
};
