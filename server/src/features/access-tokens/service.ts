import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { LIMITS } from '@caucus/shared/constants.ts';
import type { AccessToken, CreateAccessTokenBody, CreatedAccessToken } from '@caucus/shared/schemas/access-tokens.ts';
import type { Db, DbHandle, DbOrTx } from '#core/db.ts';
import { AppError, fieldError, notFound } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import type { Viewer } from '#core/policy.ts';
import { hashToken } from '#core/tokens.ts';
import * as q from './queries.ts';

/** Recognisable in a leaked config file or a secret scanner; the rest is 32 random bytes, base32. */
export const ACCESS_TOKEN_PREFIX = 'caucus_pat_';
const ACCESS_TOKEN_FORMAT = /^caucus_pat_[a-z2-7]{52}$/;
const TOUCH_EVERY_MS = 60 * 1000;

export function generateAccessToken(): string {
  const bytes = new Uint8Array(32);
  crypto.getRandomValues(bytes);
  return ACCESS_TOKEN_PREFIX + encodeBase32LowerCaseNoPadding(bytes);
}

/** Who a valid access token speaks for. */
export interface TokenIdentity {
  tokenId: string;
  viewer: Viewer;
}

/**
 * The member behind a personal access token, or null for a malformed, unknown or revoked one.
 * Only the SHA-256 is looked up; the use is recorded at most once a minute.
 */
export async function authenticateAccessToken(handle: Pick<DbHandle, 'db' | 'pool'>, secret: string): Promise<TokenIdentity | null> {
  if (!ACCESS_TOKEN_FORMAT.test(secret)) return null;
  const row = await q.findTokenByHash(handle, hashToken(secret));
  if (!row) return null;
  if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > TOUCH_EVERY_MS) await q.touchToken(handle.db, row.token_id);
  return { tokenId: row.token_id, viewer: { id: row.member_id, role: row.role, emailVerified: row.email_verified_at !== null } };
}

function presentToken(row: q.TokenRow): AccessToken {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.created_at).toISOString(),
    lastUsedAt: row.last_used_at ? new Date(row.last_used_at).toISOString() : null,
  };
}

/** What the live layer must hear: a revoked token's open streams end at once. */
export interface TokenRevocations {
  endAccessToken(tokenId: string): void;
}

export function createAccessTokensService(deps: { db: Db; revocations: TokenRevocations }) {
  const { db, revocations } = deps;
  return {
    async list(viewer: Viewer): Promise<AccessToken[]> {
      return (await q.listTokens(db, viewer.id)).map(presentToken);
    },

    /** The caller has checked that this is a session, not another token. */
    async create(viewer: Viewer, body: CreateAccessTokenBody): Promise<CreatedAccessToken> {
      const name = body.name.trim();
      if (name.length === 0) throw fieldError(400, 'name', 'required', 'Give the token a name, e.g. the bot or app that will use it.');
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f]/.test(name)) throw fieldError(400, 'name', 'invalid_format', 'The name may not contain control characters.');
      const token = generateAccessToken();
      const row = await db.transaction().execute(async (tx) => {
        await q.lockMember(tx, viewer.id);
        if ((await q.countTokens(tx, viewer.id)) >= LIMITS.accessTokensPerMember) {
          throw new AppError(409, 'too_many', `You already have ${LIMITS.accessTokensPerMember} access tokens: revoke one you no longer use first.`);
        }
        return q.insertToken(tx, { id: newId(), memberId: viewer.id, name, tokenHash: hashToken(token) });
      });
      return { token, accessToken: presentToken(row) };
    },

    /** Another member's token answers like an unknown one. */
    async revoke(viewer: Viewer, id: string): Promise<void> {
      if (!(await q.deleteToken(db, viewer.id, id))) throw notFound('This access token');
      revocations.endAccessToken(id);
    },
  };
}

/** The tokens among these that still exist, each with its member as the policy module sees them now (live streams re-check with this). */
export async function liveTokenViewers(db: DbOrTx, tokenIds: readonly string[]): Promise<Map<string, Viewer>> {
  if (tokenIds.length === 0) return new Map();
  const rows = await q.findLiveTokens(db, [...new Set(tokenIds)]);
  return new Map(rows.map((row) => [row.tokenId, { id: row.memberId, role: row.role, emailVerified: row.email_verified_at !== null }]));
}
