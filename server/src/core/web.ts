import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { IN_PROCESS_API_KEY, type InProcessApi, type InProcessCookie } from '@caucus/shared/in-process.ts';
import { CLIENT_IP_HEADER, INTERNAL_HEADER } from './auth.ts';
import { AppError, notFound } from './errors.ts';
import { pageCachePlugin } from './page-cache-plugin.ts';
import { pageScope } from './page-scope.ts';
import { createWorkPool } from './work-pool.ts';

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

export const webRoot = fileURLToPath(new URL('../../../web', import.meta.url));
const builtHandler = `${webRoot}/build/handler.js`;

/** Server-side rendering reaches the API through `app.inject`: same routes, same checks, no socket. */
export function createInProcessApi(app: FastifyInstance): InProcessApi {
  return {
    async dispatch(request) {
      const headers: Record<string, string> = { ...request.headers, [INTERNAL_HEADER]: app.internalSecret, [CLIENT_IP_HEADER]: request.clientIp };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      const response = await app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers,
        ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
      });
      const isJson = String(response.headers['content-type'] ?? '').includes('application/json');
      return {
        status: response.statusCode,
        body: isJson && response.body ? JSON.parse(response.body) : response.body,
        cookies: response.cookies.map((c): InProcessCookie => ({
          name: c.name,
          value: c.value,
          ...(c.path ? { path: c.path } : {}),
          ...(c.maxAge !== undefined ? { maxAge: c.maxAge } : {}),
          ...(c.expires ? { expires: c.expires } : {}),
          ...(c.httpOnly ? { httpOnly: true } : {}),
          ...(c.secure ? { secure: true } : {}),
          ...(c.sameSite ? { sameSite: String(c.sameSite).toLowerCase() as 'lax' } : {}),
        })),
      };
    },
  };
}

/**
 * Hands every path that is not the API to SvelteKit: the adapter-node build, or in `dev` a Vite
 * dev server in middleware mode (hot reload) inside this same process, or (tests) a handler of
 * their own. Anonymous pages go through the page cache, except in `dev` where an edit must show.
 */
export const webPlugin = fp<{ mode: 'build' | 'dev' | Middleware }>(async (app, { mode }) => {
  (globalThis as Record<string, unknown>)[IN_PROCESS_API_KEY] = createInProcessApi(app);
  const handler = typeof mode === 'function' ? mode : mode === 'dev' ? await startViteDev(app) : await loadBuiltHandler();
  if (mode !== 'dev') await app.register(pageCachePlugin);
  const renders = createWorkPool(RENDERS_AT_ONCE, RENDERS_WAITING, () => new AppError(503, 'rate_limited', 'busy'));

  await app.register(async (scope) => {
    // SvelteKit reads request bodies itself (form actions): leave the stream untouched.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    scope.all('/*', { schema: { hide: true } }, async (request, reply) => {
      if (request.url.startsWith('/api/')) throw notFound('This API route');
      request.raw.headers['x-request-id'] = request.id;
      // SvelteKit learns the page's origin and the visitor's address from these, set here from what
      // Fastify determined (TRUST_PROXY decides whether X-Forwarded-* are believed). Overwritten on
      // every request, so a client cannot choose them.
      request.raw.headers[PROTOCOL_HEADER] = request.protocol;
      request.raw.headers[HOST_HEADER] = request.host;
      request.raw.headers[ADDRESS_HEADER] = request.ip;
      reply.hijack();
      const res = reply.raw;
      const render = () => void renders.run(() => new Promise<void>((done) => {
        // A visitor who left while waiting in line: their 'close' has come and gone, nothing to render.
        if (res.closed) return done();
        res.once('close', done);
        handler(request.raw, res, () => {
          res.statusCode = 404;
          res.end('Not found');
        });
      })).catch(() => tooBusy(res));
      pageScope.run({ sessions: new Map() }, () => (mode === 'dev' ? render() : app.pageCache.serve(request.raw, reply.raw, `${request.protocol}://${request.host}`, render)));
    });
  });
}, { name: 'web', dependencies: ['auth'] });

/**
 * Pages rendered at once; the others wait their turn. Each render in progress holds its API answers
 * and its markup: a bounded number bounds the memory a burst of visitors takes, and on two cores
 * more renders at once only share the same CPU. Past RENDERS_WAITING in line, a 503 at once.
 */
const RENDERS_AT_ONCE = 8;
const RENDERS_WAITING = 2000;

function tooBusy(res: ServerResponse): void {
  if (res.headersSent) return;
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10', 'cache-control': 'no-store' });
  res.end('Le serveur est très sollicité : réessayez dans quelques secondes. / The server is very busy: try again in a few seconds.');
}

const PROTOCOL_HEADER = 'x-caucus-web-proto';
const HOST_HEADER = 'x-caucus-web-host';
const ADDRESS_HEADER = 'x-caucus-web-address';

async function loadBuiltHandler(): Promise<Middleware> {
  // adapter-node reads these when its handler module loads.
  process.env.PROTOCOL_HEADER = PROTOCOL_HEADER;
  process.env.HOST_HEADER = HOST_HEADER;
  process.env.ADDRESS_HEADER = ADDRESS_HEADER;
  if (!existsSync(builtHandler)) {
    throw new Error(`The web app is not built (${builtHandler} is missing): run \`pnpm build\`, or \`pnpm start\` which builds first.`);
  }
  const module = (await import(pathToFileURL(builtHandler).href)) as { handler: Middleware };
  return module.handler;
}

async function startViteDev(app: FastifyInstance): Promise<Middleware> {
  const { createServer } = await import('vite');
  const vite = await createServer({ root: webRoot, configFile: `${webRoot}/vite.config.ts`, server: { middlewareMode: true, hmr: { server: app.server } }, appType: 'custom' });
  app.addHook('onClose', async () => vite.close());
  return (req, res, next) => vite.middlewares(req, res, next);
}
