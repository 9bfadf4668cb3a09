import type { FastifyInstance } from 'fastify';
import type { Config } from '#core/config.ts';
import type { Db } from '#core/db.ts';
import type { Mailer } from '#core/mail.ts';
import type { Locale } from '#core/request-context.ts';
import { getSettings } from '#core/settings.ts';
import { generateToken } from '#core/tokens.ts';
import { accountMail, type AccountMail } from './mails.ts';
import * as q from './queries.ts';

declare module '#core/jobs.ts' {
  interface JobPayloads {
    /** Mails a reset link, if the (normalized) address has an account. */
    'account.password-reset': { email: string };
    /** Mails a new verification link, if the address has an account not verified yet. */
    'account.verification': { email: string };
    /** Tells a member that logins from unknown devices are paused after many wrong passwords. */
    'account.login-alert': { email: string };
  }
}

/**
 * Requests about an address answer before anyone looks it up: whether it has an account shows
 * neither in the answer nor in its time (ARCHITECTURE, "not its timing"). The request queues one
 * of these jobs whatever the address; the job looks it up and mails, a moment later.
 */
export const ACCOUNT_MAIL_JOBS = ['account.password-reset', 'account.verification', 'account.login-alert'] as const;

// A mail server that is down for a while: try again after 30 s, 1 min, 2 min… then give up.
// The job holds an address someone typed, perhaps nobody's member: gone a minute after it is
// done, and after a day if it never could be (pg-boss keeps them a week and two by default).
export const ACCOUNT_MAIL_RETRIES = { retryLimit: 6, retryDelay: 30, retryBackoff: true, deleteAfterSeconds: 60, retentionSeconds: 24 * 60 * 60 };

const RESET_TTL_MINUTES = 60;
export const VERIFY_TTL_MINUTES = 48 * 60;

export function createAccountMailJobs(deps: { db: Db; mailer: Mailer; config: Config }) {
  const { db, mailer, config } = deps;

  async function deliver(kind: AccountMail, locale: Locale, to: string, name: string, path: string, token?: string): Promise<void> {
    const network = (await getSettings(db)).name;
    const link = `${config.publicUrl.origin}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    // `deliver`, not `send`: a mail server's failure fails the job, which is tried again.
    await mailer.deliver(accountMail(kind, locale, to, { network, name, link }));
  }

  return {
    async mailPasswordReset(email: string): Promise<void> {
      const member = await q.findMemberByEmail(db, email);
      if (!member) return;
      const token = generateToken();
      await q.insertEmailToken(db, token, { memberId: member.id, purpose: 'reset_password', email, ttlMinutes: RESET_TTL_MINUTES });
      await deliver('reset', member.locale, email, member.display_name, '/reset-password', token);
    },

    async mailVerification(email: string): Promise<void> {
      const member = await q.findMemberByEmail(db, email);
      if (!member || member.email_verified_at) return;
      const token = generateToken();
      await q.insertEmailToken(db, token, { memberId: member.id, purpose: 'verify_email', email, ttlMinutes: VERIFY_TTL_MINUTES });
      await deliver('verify', member.locale, email, member.display_name, '/verify-email', token);
    },

    async mailLoginAlert(email: string): Promise<void> {
      const member = await q.findMemberByEmail(db, email);
      if (!member) return;
      await deliver('loginAlert', member.locale, email, member.display_name, '/forgot-password');
    },
  };
}

/** Declares the workers of the account mails (before the workers start: at build time). */
export function workAccountMailJobs(app: FastifyInstance): void {
  const jobs = createAccountMailJobs({ db: app.db, mailer: app.mailer, config: app.config });
  // Two links for one address at once: insertEmailToken keeps one (a row lock), in any process.
  app.jobs.work('account.password-reset', ({ email }) => jobs.mailPasswordReset(email));
  app.jobs.work('account.verification', ({ email }) => jobs.mailVerification(email));
  app.jobs.work('account.login-alert', ({ email }) => jobs.mailLoginAlert(email));
}
