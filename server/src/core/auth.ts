import cookie from '@fastify/cookie';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import type { Config } from './config.ts';
import { AppError, unauthenticated } from './errors.ts';
import type { Viewer } from './policy.ts';
import { pageScope, type PageScope } from './page-scope.ts';
import { validateSessionToken, type ValidSession } from './session.ts';
import { generateToken, safeEqual } from './tokens.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Marks requests dispatched in process by server-side rendering. Never leaves the process. */
    internalSecret: string;
    config: Config;
  }
  interface FastifyRequest {
    session: ValidSession | null;
    viewer: Viewer | null;
    clientIp: string;
    /** Set when a personal access token (`Authorization: Bearer`) authenticated the request. */
    accessTokenId: string | null;
  }
}

/** Resolves a personal access token to its member, or null when it is malformed, unknown or revoked. */
export type BearerAuthenticator = (token: string) => Promise<{ tokenId: string; viewer: Viewer } | null>;

export const INTERNAL_HEADER = 'x-caucus-internal';
export const CLIENT_IP_HEADER = 'x-caucus-client-ip';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function isInternal(request: FastifyRequest, secret: string): boolean {
  const header = request.headers[INTERNAL_HEADER];
  return typeof header === 'string' && safeEqual(header, secret);
}

/**
 * Sessions, access tokens, client addresses and the Origin check for the API. Reads the session
 * cookie on every API request; unsafe requests whose Origin is another site's are refused (CSRF),
 * and a request carrying a session must say where it comes from. A request with
 * `Authorization: Bearer` is its token's member and nothing else: the cookie is not read, and no
 * Origin is asked for, since a browser never attaches that header on its own.
 */
export const authPlugin = fp<{ config: Config; authenticateBearer: BearerAuthenticator }>(async (app, { config, authenticateBearer }) => {
  await app.register(cookie);
  app.decorate('internalSecret', generateToken());
  app.decorate('config', config);
  app.decorateRequest('session', null);
  app.decorateRequest('viewer', null);
  app.decorateRequest('clientIp', '');
  app.decorateRequest('accessTokenId', null);

  const allowedOrigins = new Set([config.publicUrl.origin]);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    const internal = isInternal(request, app.internalSecret);
    const forwardedIp = request.headers[CLIENT_IP_HEADER];
    request.clientIp = internal && typeof forwardedIp === 'string' ? forwardedIp : request.ip;

    const bearer = internal ? null : bearerToken(request.headers.authorization);
    if (bearer !== null) {
      const identity = await authenticateBearer(bearer);
      if (identity) {
        request.viewer = identity.viewer;
        request.accessTokenId = identity.tokenId;
        return;
      }
      // A WebSocket client cannot read a refused handshake: the streaming API closes with 4401 instead.
      if (request.headers.upgrade?.toLowerCase() === 'websocket') return;
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new AppError(401, 'unauthenticated', 'This access token is invalid or was revoked: create a new one in your settings.');
    }

    const token = request.cookies[SESSION_COOKIE];

    if (!internal && UNSAFE_METHODS.has(request.method)) {
      const origin = request.headers.origin;
      const ownOrigin = `${request.protocol}://${request.host}`;
      if (origin ? !allowedOrigins.has(origin) && origin !== ownOrigin : token !== undefined) {
        throw new AppError(403, 'foreign_origin', 'This request comes from another site and was refused.');
      }
    }

    if (!token) return;
    const session = await lookupSession(app, token, internal ? pageScope.getStore() : undefined, request.method);
    if (!session) {
      clearSessionCookie(reply, config);
      return;
    }
    request.session = session;
    request.viewer = { id: session.member.id, role: session.member.role, emailVerified: session.member.emailVerified };
    if (session.renewed) setSessionCookie(reply, config, token, session.expiresAt);
  });
}, { name: 'auth', dependencies: ['db', 'session-cache'] });

function lookupSession(app: FastifyInstance, token: string, scope: PageScope | undefined, method: string): Promise<ValidSession | null> {
  const validate = () => validateSessionToken(app.dbHandle, token, app.sessionCache);
  if (!scope) return validate();
  if (method !== 'GET') {
    scope.sessions.clear();
    return validate();
  }
  let pending = scope.sessions.get(token);
  if (!pending) {
    pending = validate();
    scope.sessions.set(token, pending);
  }
  return pending;
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive), else null; a malformed one is not null, so it is refused. */
export function bearerToken(header: string | undefined): string | null {
  if (!header || !/^bearer(\s|$)/i.test(header)) return null;
  return header.slice('bearer'.length).trim();
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expiresAt: Date): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.protocol === 'https:',
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.setCookie(SESSION_COOKIE, '', { path: '/', httpOnly: true, sameSite: 'lax', secure: config.publicUrl.protocol === 'https:', maxAge: 0 });
}

/** The signed-in member, or a 401. */
export function requireViewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw unauthenticated();
  return request.viewer;
}

export function requireSession(request: FastifyRequest): ValidSession {
  if (!request.session) throw unauthenticated();
  return request.session;
}
