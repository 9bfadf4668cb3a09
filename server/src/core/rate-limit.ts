import { sql } from 'kysely';
import type { DbOrTx } from './db.ts';
import { AppError } from './errors.ts';

export interface RateRule {
  /** What is limited, e.g. `login:ip`. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export const RATE_RULES = {
  // Logins without a device cookie of the account (OWASP's "untrusted clients"): per address, per
  // account and address (one address alone cannot trip the next rule), per account.
  loginPerIp: { name: 'login:ip', limit: 100, windowSeconds: 15 * 60 },
  loginPerAccountAndIp: { name: 'login:account-ip', limit: 5, windowSeconds: 15 * 60 },
  loginPerAccount: { name: 'login:account', limit: 10, windowSeconds: 15 * 60 },
  // Logins from a browser that logged in to the account before: counted for that browser only.
  loginPerDevice: { name: 'login:device', limit: 10, windowSeconds: 15 * 60 },
  signupPerIp: { name: 'signup:ip', limit: 50, windowSeconds: 60 * 60 },
  mailPerIp: { name: 'mail:ip', limit: 30, windowSeconds: 60 * 60 },
  mailPerAccount: { name: 'mail:account', limit: 5, windowSeconds: 60 * 60 },
  passwordPerAccount: { name: 'password:account', limit: 10, windowSeconds: 15 * 60 },
  // Each try tells a signed-in member whether a handle is taken: enough to choose, too few to list members.
  handlePerMember: { name: 'handle:member', limit: 20, windowSeconds: 15 * 60 },
  // Per member, never global: a busy evening of a whole network must not trip it.
  postPerMember: { name: 'post:member', limit: 30, windowSeconds: 60 },
  commentPerMember: { name: 'comment:member', limit: 60, windowSeconds: 60 },
} satisfies Record<string, RateRule>;

/**
 * Counts one hit of `subject` against `rule` in PostgreSQL, so every process shares the counter,
 * and refuses with 429 past the limit. A fixed window is enough for abuse control.
 * `onLimitReached` runs once per window, on the first hit refused (the counter is atomic).
 */
export async function hitRateLimit(db: DbOrTx, rule: RateRule, subject: string, onLimitReached?: () => Promise<void>): Promise<void> {
  const key = `${rule.name}:${subject}`;
  const window = `${rule.windowSeconds} seconds`;
  const { rows } = await sql<{ hits: number; retry: number }>`
    INSERT INTO rate_limits (key, window_start, hits) VALUES (${key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      window_start = CASE WHEN rate_limits.window_start < now() - ${window}::interval THEN now() ELSE rate_limits.window_start END,
      hits = CASE WHEN rate_limits.window_start < now() - ${window}::interval THEN 1 ELSE rate_limits.hits + 1 END
    RETURNING hits, ceil(extract(epoch FROM (window_start + ${window}::interval - now())))::int AS retry`.execute(db);
  const row = rows[0];
  if (row && row.hits > rule.limit) {
    if (row.hits === rule.limit + 1) await onLimitReached?.();
    const minutes = Math.max(1, Math.ceil(row.retry / 60));
    throw new AppError(429, 'rate_limited', `Too many attempts. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`);
  }
}

/** Forgets the counter, e.g. after a successful login. */
export async function resetRateLimit(db: DbOrTx, rule: RateRule, subject: string): Promise<void> {
  await db.deleteFrom('rate_limits').where('key', '=', `${rule.name}:${subject}`).execute();
}

export async function purgeRateLimits(db: DbOrTx): Promise<void> {
  await db.deleteFrom('rate_limits').where('window_start', '<', sql<Date>`now() - interval '1 day'`).execute();
}
