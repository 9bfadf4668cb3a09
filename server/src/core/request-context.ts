import type { FastifyRequest } from 'fastify';
import { LOCALE_COOKIE } from '@caucus/shared/constants.ts';

export type Locale = 'fr' | 'en';

/** Who is asking and from where: what services record with sessions, consents and rate limits. */
export interface RequestContext {
  ip: string;
  userAgent: string;
  locale: Locale;
}

export function requestContext(request: FastifyRequest): RequestContext {
  return { ip: request.clientIp || request.ip, userAgent: String(request.headers['user-agent'] ?? ''), locale: requestLocale(request) };
}

/** The interface language: the language cookie, else the browser's preference, else French. */
export function requestLocale(request: FastifyRequest): Locale {
  const cookie = request.cookies[LOCALE_COOKIE];
  if (cookie === 'fr' || cookie === 'en') return cookie;
  const accept = String(request.headers['accept-language'] ?? '').toLowerCase();
  const fr = accept.indexOf('fr');
  const en = accept.indexOf('en');
  return en !== -1 && (fr === -1 || en < fr) ? 'en' : 'fr';
}
