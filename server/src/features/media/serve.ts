import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import type { Viewer } from '#core/policy.ts';
import { validateSessionToken } from '#core/session.ts';
import { isPublicMedia, mayRead } from './access.ts';
import { findServedMedia } from './queries.ts';

const KEY = /^[A-Za-z0-9_-]{22}$/;
const NAME = /^w\d{1,4}\.(webp|png)$/;
const YEAR_SECONDS = 365 * 24 * 60 * 60;

/**
 * GET /media/<key>/<variant>: a checked route rather than signed, expiring URLs. Every request asks
 * the policy module, so leaving a group, being banned or a post's deletion takes effect at once,
 * and the URL never changes, so browsers cache each variant for good (`immutable`). Signed URLs
 * would spare a query per image but keep working for whoever holds one until they expire, and
 * would change as they expire, defeating the cache. Images anybody may see (public groups and
 * profiles, the brand) skip the session lookup and are cacheable by shared caches; the others are
 * `private`, so no proxy keeps them. The key is random: a guessed URL finds nothing.
 */
export const mediaServing: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { key: string; name: string } }>('/media/:key/:name', { schema: { hide: true } }, async (request, reply) => {
    const { key, name } = request.params;
    if (!KEY.test(key) || !NAME.test(name)) return notFound(reply);
    const row = await findServedMedia(app.db, key);
    const variant = row?.variants.find((v) => v.name === name);
    if (!row || !variant) return notFound(reply);

    const everyone = isPublicMedia(row);
    if (!everyone) {
      const token = request.cookies[SESSION_COOKIE];
      const session = token ? await validateSessionToken(app.dbHandle, token) : null;
      const viewer: Viewer | null = session ? { id: session.member.id, role: session.member.role, emailVerified: session.member.emailVerified } : null;
      // Not allowed and not there answer alike.
      if (!(await mayRead(app.dbHandle, viewer, row))) return notFound(reply);
    }

    const etag = `"${key}-${name}"`;
    reply.headers({
      'content-type': variant.type,
      'cache-control': `${everyone ? 'public' : 'private'}, max-age=${YEAR_SECONDS}, immutable`,
      etag,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cross-origin-resource-policy': 'same-origin',
      'content-disposition': 'inline',
    });
    if (request.headers['if-none-match'] === etag) return reply.status(304).send();
    const object = await app.storage.get(`${key}/${name}`);
    if (!object) {
      request.log.warn({ key, name }, 'media row without its stored file');
      return notFound(reply);
    }
    return reply.header('content-length', object.size).send(object.body);
  });
};

function notFound(reply: FastifyReply) {
  reply.removeHeader('etag');
  return reply.status(404).headers({ 'cache-control': 'no-store', 'content-type': 'text/plain; charset=utf-8' }).send('Not found');
}
