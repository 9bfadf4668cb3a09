import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { authPlugin } from './core/auth.ts';
import type { Config } from './core/config.ts';
import { dbPlugin, type DbHandle } from './core/db.ts';
import { installErrorHandler } from './core/http-errors.ts';
import { mailPlugin } from './core/mail.ts';
import { openapiPlugin } from './core/openapi.ts';
import { eventsPlugin } from './core/events.ts';
import { readinessPlugin } from './core/readiness.ts';
import { realtimePlugin } from './core/realtime.ts';
import { sessionCachePlugin } from './core/session-cache.ts';
import { installValidation } from './core/validation.ts';
import { jobsPlugin } from './core/jobs.ts';
import { storagePlugin } from './core/storage/storage.ts';
import { webPlugin, type Middleware } from './core/web.ts';
import { accessTokenRoutes } from './features/access-tokens/routes.ts';
import { authenticateAccessToken } from './features/access-tokens/service.ts';
import { accountRoutes } from './features/accounts/routes.ts';
import { adminRoutes } from './features/admin/routes.ts';
import { followRoutes } from './features/follows/routes.ts';
import { liveRoomRules } from './features/groups/live-rooms.ts';
import { groupRoutes } from './features/groups/routes.ts';
import { mediaPlugin } from './features/media/plugin.ts';
import { networkRoutes } from './features/network/routes.ts';
import { notificationsPlugin } from './features/notifications/plugin.ts';
import { notificationRoutes } from './features/notifications/routes.ts';
import { forumRoutes } from './features/forums/routes.ts';
import { postRoutes } from './features/posts/routes.ts';
import { profileRoutes } from './features/profiles/routes.ts';
import { serializeRequestForLog } from './features/streaming/log-redaction.ts';
import { streamingPlugin } from './features/streaming/plugin.ts';
import { streamingRoutes } from './features/streaming/routes.ts';

export interface BuildOptions {
  config: Config;
  db: DbHandle;
  /** `build` serves the built SvelteKit app, `dev` a Vite dev server, `none` only the API (tests); tests may give their own page handler. */
  web: 'build' | 'dev' | 'none' | Middleware;
  logger?: boolean | object;
}

export type App = FastifyInstance;

/** Builds the whole Caucus app as one Fastify instance; `server.ts` alone listens. */
export async function buildApp(options: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    // The request serializer leaves out the streaming API's `access_token` query parameter.
    logger: options.logger === false ? false : { level: config.logLevel, ...(typeof options.logger === 'object' ? options.logger : {}), serializers: { req: serializeRequestForLog } },
    trustProxy: config.trustProxy as boolean | string, // a hop count is accepted too
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
  }) as unknown as FastifyInstance;

  installValidation(app);
  installErrorHandler(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    if (request.url.startsWith('/api/v1')) {
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
      reply.header('cache-control', 'no-store');
    }
  });

  await app.register(dbPlugin, { handle: options.db });
  // On PostgreSQL, other processes may end sessions: the cache LISTENs for it (PGlite is one process).
  await app.register(sessionCachePlugin, { crossProcess: options.db.engine === 'postgres' });
  await app.register(authPlugin, { config, authenticateBearer: (token) => authenticateAccessToken(options.db, token) });
  await app.register(mailPlugin, { config });
  await app.register(openapiPlugin);
  // On PostgreSQL, live events cross processes (socket.io's PostgreSQL adapter); PGlite is one process.
  const crossProcess = options.db.engine === 'postgres';
  await app.register(realtimePlugin, { config, rooms: liveRoomRules, crossProcess });
  await app.register(eventsPlugin, { crossProcess });
  await app.register(streamingPlugin, { crossProcess });
  await app.register(jobsPlugin, { handle: options.db });
  await app.register(notificationsPlugin);
  await app.register(storagePlugin, { config });
  // Its API under /api/v1, the files under /media, the purge job.
  await app.register(mediaPlugin);

  await app.register(readinessPlugin, { config });

  await app.register(
    async (api) => {
      await api.register(networkRoutes);
      await api.register(accountRoutes);
      await api.register(profileRoutes);
      await api.register(adminRoutes);
      await api.register(groupRoutes);
      await api.register(postRoutes);
      await api.register(forumRoutes);
      await api.register(followRoutes);
      await api.register(notificationRoutes);
      await api.register(accessTokenRoutes);
      await api.register(streamingRoutes);
    },
    { prefix: '/api/v1' },
  );

  if (options.web !== 'none') await app.register(webPlugin, { mode: options.web });
  return app;
}
