import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '#core/config.ts';
import type { DbOrTx } from '#core/db.ts';
import { generateToken, hashToken } from '#core/tokens.ts';
import { DEVICE_TRUST_DAYS, isTrustedDevice, replaceTrustedDevice } from './device-queries.ts';

/**
 * OWASP's "device cookies" (Slow Down Online Guessing Attacks with Device Cookies): a successful
 * login leaves a random token in the browser, bound to the member. A login that presents it is
 * counted against that browser alone; all the others are "untrusted clients", limited per
 * account: a stranger's guesses lock out strangers, never the member on their own devices.
 */
export const DEVICE_COOKIE = 'caucus_device';
const TOKEN_FORMAT = /^[a-z2-7]{32}$/; // generateToken(): 20 bytes, base32

/** The hash of the browser's device token, or null when it sent none (or something else). */
export function deviceTokenHash(request: FastifyRequest): string | null {
  const token = request.cookies[DEVICE_COOKIE];
  return token && TOKEN_FORMAT.test(token) ? hashToken(token) : null;
}

/**
 * The browser's token hash when it was issued to this member, else null. The lookup runs whenever
 * a token is sent, even when no account matches the address: a member's must not take longer.
 */
export async function trustedDevice(db: DbOrTx, tokenHash: string | null, memberId: string | undefined): Promise<string | null> {
  return tokenHash !== null && (await isTrustedDevice(db, tokenHash, memberId)) ? tokenHash : null;
}

/** After a successful login: a new token for this browser, trusted for this member. */
export async function trustDevice(db: DbOrTx, memberId: string, previousHash: string | null): Promise<string> {
  const token = generateToken();
  await replaceTrustedDevice(db, memberId, hashToken(token), previousHash);
  return token;
}

export function setDeviceCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(DEVICE_COOKIE, token, {
    path: '/', // the web's login page posts to /login, the API to /api/v1/auth/login
    httpOnly: true,
    sameSite: 'lax',
    secure: config.publicUrl.protocol === 'https:',
    maxAge: DEVICE_TRUST_DAYS * 24 * 60 * 60,
  });
}
