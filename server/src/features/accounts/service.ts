import type { Me, SessionInfo, SignupBody } from '@caucus/shared/schemas/accounts.ts';
import { PRIVACY_POLICY_VERSION, type NetworkRole } from '@caucus/shared/constants.ts';
import type { Config } from '#core/config.ts';
import type { JobQueue } from '#core/jobs.ts';
import type { Db, DbOrTx } from '#core/db.ts';
import { AppError, fieldError, notFound } from '#core/errors.ts';
import { newId } from '#core/ids.ts';
import type { Mail, Mailer } from '#core/mail.ts';
import { assertStrongPassword, burnPasswordCheck, hashPassword, verifyPassword } from '#core/password.ts';
import { hitRateLimit, RATE_RULES, resetRateLimit } from '#core/rate-limit.ts';
import type { Locale, RequestContext } from '#core/request-context.ts';
import { renderMarkdown } from '#core/markdown.ts';
import { createSession, invalidateMemberSessions, invalidateSession, type ValidSession } from '#core/session.ts';
import { getSettings, isSetupComplete } from '#core/settings.ts';
import { generateToken } from '#core/tokens.ts';
import { isUniqueViolation } from '#core/route-schemas.ts';
import type { LiveSessions } from '#core/realtime.ts';
import type { SessionRevocations } from '#core/session-cache.ts';
import { accountMail, type AccountMail } from './mails.ts';
import { handleTaken, provisionalHandle } from './handles.ts';
import * as q from './queries.ts';
import { ACCOUNT_MAIL_RETRIES, VERIFY_TTL_MINUTES } from './mail-jobs.ts';
import { trustDevice, trustedDevice } from './device-cookies.ts';

const CHANGE_EMAIL_TTL_MINUTES = 24 * 60;

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export interface NewAccount {
  email: string;
  password: string;
  displayName: string;
  handle: string;
  /** False for the provisional handle of a sign-up: the member chooses theirs once signed in. */
  handleChosen?: boolean;
  role?: NetworkRole;
  verified?: boolean;
  locale?: Locale;
  bio?: string;
  commune?: string;
  postalCode?: string;
  listedInDirectory?: boolean;
  profileVisibility?: 'public' | 'members';
}

const NO_LIVE: LiveSessions = { endSession: () => {}, endMemberSessions: () => {} };
/** Outside a serving process (seeds, `create-admin`, tests' fixtures) no session cache of ours is to be told. */
const NO_CACHE: SessionRevocations = { forgetSession: () => {}, forgetMember: () => {} };

export function createAccountsService(deps: { db: Db; mailer: Mailer; config: Config; live?: LiveSessions; sessions?: SessionRevocations; jobs?: Pick<JobQueue, 'send'> }) {
  const { db, mailer, config } = deps;
  const jobs = () => {
    if (!deps.jobs) throw new Error('this accounts service was built without a job queue');
    return deps.jobs;
  };
  const live = deps.live ?? NO_LIVE;
  // Told after each commit that ends sessions or changes what they carry (other processes hear the database's NOTIFY).
  const sessions = deps.sessions ?? NO_CACHE;
  const link = (path: string, token?: string) => `${config.publicUrl.origin}${path}${token ? `?token=${encodeURIComponent(token)}` : ''}`;

  async function mail(kind: AccountMail, locale: Locale, to: string, name: string, url: string): Promise<Mail> {
    const network = (await getSettings(db)).name;
    return accountMail(kind, locale, to, { network, name, link: url });
  }

  /**
   * Inserts a member with its privacy-policy consent. The caller gives the transaction; a taken
   * handle is a field error, a taken e-mail returns `false` so the caller decides what to reveal.
   */
  async function insertAccount(tx: DbOrTx, account: NewAccount, passwordHash: string): Promise<string | false> {
    if (!account.displayName.trim()) throw fieldError(400, 'displayName', 'required', 'This field is required');
    const id = newId();
    if (await q.handleExists(tx, account.handle)) throw handleTaken();
    if (await q.findMemberByEmail(tx, normalizeEmail(account.email))) return false;
    try {
      await q.insertMember(tx, {
        id,
        email: normalizeEmail(account.email),
        password_hash: passwordHash,
        handle: account.handle,
        handle_chosen_at: account.handleChosen === false ? null : new Date(),
        display_name: account.displayName.trim(),
        role: account.role ?? 'member',
        email_verified_at: account.verified ? new Date() : null,
        locale: account.locale ?? 'fr',
        bio: account.bio ?? '',
        bio_html: account.bio ? renderMarkdown(account.bio) : '',
        commune: account.commune ?? '',
        postal_code: account.postalCode ?? '',
        listed_in_directory: account.listedInDirectory ?? false,
        profile_visibility: account.profileVisibility ?? 'members',
      });
    } catch (error) {
      if (isUniqueViolation(error, 'members_handle_key')) throw handleTaken();
      // A concurrent sign-up won the race: the transaction is aborted, so let it roll back.
      if (isUniqueViolation(error, 'members_email_key')) throw new EmailTakenRace();
      throw error;
    }
    await q.insertConsent(tx, { id: newId(), memberId: id, purpose: 'privacy_policy', version: PRIVACY_POLICY_VERSION });
    return id;
  }

  async function toMe(memberId: string): Promise<Me> {
    const member = await q.findMemberById(db, memberId);
    if (!member) throw notFound('This account');
    return {
      id: member.id,
      email: member.email,
      emailVerified: member.email_verified_at !== null,
      pendingEmail: await q.pendingEmailOf(db, member.id),
      handle: member.handle,
      handleChosen: member.handle_chosen_at !== null,
      displayName: member.display_name,
      role: member.role,
      createdAt: member.created_at.toISOString(),
    };
  }

  return {
    insertAccount,
    me: toMe,

    /** Creates an account directly (setup wizard, `create-admin`, seeds): validated like sign-up. */
    async createAccount(tx: DbOrTx, account: NewAccount): Promise<string> {
      await assertStrongPassword(account.password, [account.email, account.handle, account.displayName]);
      const id = await insertAccount(tx, account, await hashPassword(account.password));
      if (id === false) throw fieldError(409, 'email', 'email_taken', 'This e-mail address already has an account');
      return id;
    },

    /**
     * Sign-up answers the same whether or not the address is registered: belonging to a
     * campaign's network is a political opinion, and the form must not disclose it. For the same
     * reason it takes no handle: the member gets a provisional one and chooses theirs once signed in.
     */
    async signup(body: SignupBody, ctx: RequestContext): Promise<void> {
      await hitRateLimit(db, RATE_RULES.signupPerIp, ctx.ip);
      if (!body.acceptPrivacyPolicy) throw fieldError(400, 'acceptPrivacyPolicy', 'consent_required', 'Accept the privacy policy to create an account');
      if (!(await isSetupComplete(db))) throw new AppError(409, 'setup_required', 'This network is not set up yet.');
      await assertStrongPassword(body.password, [body.email, body.displayName]);
      const email = normalizeEmail(body.email);
      // Per address too: each sign-up mails it, and a mailbox must not be flooded from many IPs.
      await hitRateLimit(db, RATE_RULES.mailPerAccount, email);
      const passwordHash = await hashPassword(body.password); // hashed even when unused, so both answers take as long
      const memberId = await db
        .transaction()
        .execute((tx) => insertAccount(tx, { ...body, handle: provisionalHandle(), handleChosen: false, locale: ctx.locale }, passwordHash))
        .catch((error: unknown) => {
          if (error instanceof EmailTakenRace) return false as const;
          throw error;
        });
      if (memberId === false) {
        const existing = await q.findMemberByEmail(db, email);
        if (existing) mailer.send(await mail('alreadyRegistered', existing.locale, email, existing.display_name, link('/login')));
        return;
      }
      const token = generateToken();
      await q.insertEmailToken(db, token, { memberId, purpose: 'verify_email', email, ttlMinutes: VERIFY_TTL_MINUTES });
      mailer.send(await mail('verify', ctx.locale, email, body.displayName, link('/verify-email', token)));
    },

    async verifyEmail(token: string): Promise<void> {
      const used = await q.consumeEmailToken(db, token, 'verify_email');
      if (!used || !(await q.markEmailVerified(db, used.member_id, used.email))) throw invalidToken();
      sessions.forgetMember(used.member_id);
    },

    /** Same work for any address: the job looks it up (see mail-jobs.ts). */
    async resendVerification(emailInput: string, ctx: RequestContext): Promise<void> {
      const email = normalizeEmail(emailInput);
      await hitRateLimit(db, RATE_RULES.mailPerIp, ctx.ip);
      await hitRateLimit(db, RATE_RULES.mailPerAccount, email);
      await jobs().send('account.verification', { email }, ACCOUNT_MAIL_RETRIES);
    },

    /**
     * Same answer and about the same time for an unknown e-mail and a wrong password. Guesses are
     * limited apart for a browser that logged in to this account before (`deviceHash`, see
     * device-cookies.ts): a stranger's guesses lock out strangers, never the member's own devices.
     */
    async login(emailInput: string, password: string, ctx: RequestContext, deviceHash: string | null = null) {
      const email = normalizeEmail(emailInput);
      const member = await q.findMemberByEmail(db, email);
      const trusted = await trustedDevice(db, deviceHash, member?.id);
      if (trusted) {
        await hitRateLimit(db, RATE_RULES.loginPerDevice, trusted);
      } else {
        await hitRateLimit(db, RATE_RULES.loginPerIp, ctx.ip);
        await hitRateLimit(db, RATE_RULES.loginPerAccountAndIp, `${email} ${ctx.ip}`);
        // Queued for any address, known or not, so that tripping the limit takes as long for both.
        await hitRateLimit(db, RATE_RULES.loginPerAccount, email, async () => {
          await jobs().send('account.login-alert', { email }, ACCOUNT_MAIL_RETRIES);
        });
      }
      const valid = member ? await verifyPassword(member.password_hash, password) : (await burnPasswordCheck(password), false);
      if (!member || !valid) throw new AppError(401, 'invalid_credentials', 'Wrong e-mail or password.');
      if (!member.email_verified_at) {
        throw new AppError(403, 'email_not_verified', 'Confirm your e-mail address first: follow the link we sent you, or ask for a new one.');
      }
      if (trusted) await resetRateLimit(db, RATE_RULES.loginPerDevice, trusted);
      else await Promise.all([resetRateLimit(db, RATE_RULES.loginPerAccountAndIp, `${email} ${ctx.ip}`), resetRateLimit(db, RATE_RULES.loginPerAccount, email)]);
      const session = await createSession(db, member.id, { userAgent: ctx.userAgent, ip: ctx.ip });
      const deviceToken = await trustDevice(db, member.id, deviceHash);
      return { ...session, deviceToken, me: await toMe(member.id) };
    },

    async logout(session: ValidSession): Promise<void> {
      await invalidateSession(db, session.id);
      sessions.forgetSession(session.id);
      live.endSession(session.publicId);
    },

    async logoutOthers(session: ValidSession): Promise<number> {
      const ended = await invalidateMemberSessions(db, session.member.id, session.id);
      sessions.forgetMember(session.member.id);
      live.endMemberSessions(session.member.id, session.publicId);
      return ended;
    },

    async listSessions(session: ValidSession): Promise<SessionInfo[]> {
      const rows = await q.listSessions(db, session.member.id);
      return rows.map((row) => ({
        id: row.public_id,
        device: describeDevice(row.user_agent),
        ip: row.ip,
        createdAt: new Date(row.created_at).toISOString(),
        lastSeenAt: new Date(row.last_seen_at).toISOString(),
        current: row.id === session.id,
      }));
    },

    async revokeSession(session: ValidSession, publicId: string): Promise<void> {
      if (!(await q.deleteSessionByPublicId(db, session.member.id, publicId))) throw notFound('This session');
      sessions.forgetMember(session.member.id);
      live.endSession(publicId);
    },

    /** Same work for any address: the job looks it up (see mail-jobs.ts). */
    async requestPasswordReset(emailInput: string, ctx: RequestContext): Promise<void> {
      const email = normalizeEmail(emailInput);
      await hitRateLimit(db, RATE_RULES.mailPerIp, ctx.ip);
      await hitRateLimit(db, RATE_RULES.mailPerAccount, email);
      await jobs().send('account.password-reset', { email }, ACCOUNT_MAIL_RETRIES);
    },

    /** A reset proves control of the mailbox: it verifies the address and ends every session. */
    async resetPassword(token: string, password: string): Promise<void> {
      const member = await db.transaction().execute(async (tx) => {
        const used = await q.consumeEmailToken(tx, token, 'reset_password');
        if (!used) throw invalidToken();
        const member = await q.findMemberById(tx, used.member_id);
        if (!member) throw invalidToken();
        await assertStrongPassword(password, [member.email, member.handle, member.display_name]);
        await q.setPasswordHash(tx, member.id, await hashPassword(password));
        await q.markEmailVerified(tx, member.id, used.email);
        await invalidateMemberSessions(tx, member.id);
        return { id: member.id, email: used.email };
      });
      sessions.forgetMember(member.id);
      live.endMemberSessions(member.id);
      // Whoever reset the password holds the mailbox: an attack's pause on unknown devices must not
      // keep them out of their account on a new one.
      await resetRateLimit(db, RATE_RULES.loginPerAccount, member.email);
    },

    async changePassword(session: ValidSession, currentPassword: string, newPassword: string): Promise<void> {
      await hitRateLimit(db, RATE_RULES.passwordPerAccount, session.member.id);
      const member = await q.findMemberById(db, session.member.id);
      if (!member) throw notFound('This account');
      if (!(await verifyPassword(member.password_hash, currentPassword))) throw wrongPassword();
      await assertStrongPassword(newPassword, [member.email, member.handle, member.display_name], 'newPassword');
      const passwordHash = await hashPassword(newPassword);
      await db.transaction().execute(async (tx) => {
        await q.setPasswordHash(tx, member.id, passwordHash);
        await invalidateMemberSessions(tx, member.id, session.id);
      });
      sessions.forgetMember(member.id);
      live.endMemberSessions(member.id, session.publicId);
    },

    async changeEmail(session: ValidSession, newEmailInput: string, currentPassword: string): Promise<void> {
      await hitRateLimit(db, RATE_RULES.passwordPerAccount, session.member.id);
      const member = await q.findMemberById(db, session.member.id);
      if (!member) throw notFound('This account');
      if (!(await verifyPassword(member.password_hash, currentPassword))) throw wrongPassword();
      const newEmail = normalizeEmail(newEmailInput);
      if (newEmail === member.email) throw fieldError(400, 'newEmail', 'invalid_email', 'This is already your address');
      // A taken address looks the same from this account (pending in /me, notice in the old mailbox):
      // its token is never sent, and could not be confirmed anyway.
      const taken = (await q.findMemberByEmail(db, newEmail)) !== undefined;
      const token = generateToken();
      await q.insertEmailToken(db, token, { memberId: member.id, purpose: 'change_email', email: newEmail, ttlMinutes: CHANGE_EMAIL_TTL_MINUTES });
      if (taken) mailer.send(await mail('emailTaken', member.locale, newEmail, '', link('/login')));
      else mailer.send(await mail('changeEmail', member.locale, newEmail, member.display_name, link('/confirm-email', token)));
      mailer.send(await mail('emailChangeNotice', member.locale, member.email, member.display_name, link('/settings')));
    },

    async confirmEmailChange(token: string): Promise<void> {
      const memberId = await db.transaction().execute(async (tx) => {
        const used = await q.consumeEmailToken(tx, token, 'change_email');
        if (!used) throw invalidToken();
        try {
          await q.setEmail(tx, used.member_id, used.email);
        } catch (error) {
          if (isUniqueViolation(error, 'members_email_key')) throw invalidToken();
          throw error;
        }
        return used.member_id;
      });
      sessions.forgetMember(memberId);
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

class EmailTakenRace extends Error {}

const invalidToken = () => fieldError(400, 'token', 'invalid_token', 'This link is invalid, expired or already used: ask for a new one');
const wrongPassword = () => fieldError(400, 'currentPassword', 'wrong_password', 'Your current password is not this one');

/** "Firefox on Linux" from a user agent; enough for a member to recognise a device. */
export function describeDevice(userAgent: string): string {
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : null;
  const os = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? (userAgent.slice(0, 60) || 'Unknown device');
}
