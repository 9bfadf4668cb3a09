import { randomBytes } from 'node:crypto';
import { openAsBlob } from 'node:fs';
import { inject } from 'vitest';
import pg from 'pg';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import { buildApp, type BuildOptions } from '../app.ts';
import { loadConfig, type Config } from '../core/config.ts';
import { openDatabase, type DbHandle } from '../core/db.ts';
import { migrateToLatest } from '../core/migrate.ts';
import { createAccountsService, type NewAccount } from '../features/accounts/service.ts';
import { createSession } from '../core/session.ts';
import { completeSetup } from '../core/settings.ts';
import { dropDatabase, withDatabase } from './global-setup.ts';

export const STRONG_PASSWORD = 'Tulipe-Rouge-2027!';
export const ORIGIN = 'http://localhost:3000';

export interface TestApp {
  app: FastifyInstance;
  db: DbHandle;
  config: Config;
  close(): Promise<void>;
  /** An injected request from a browser on our origin (unless `headers.origin` says otherwise). */
  request(options: InjectOptions & { as?: string | null }): Promise<LightMyRequestResponse>;
}

/** The real app on its own database: a copy of the migrated template on PostgreSQL, else PGlite in memory. */
export async function createTestApp(env: Record<string, string> = {}, options: { web?: BuildOptions['web'] } = {}): Promise<TestApp> {
  const config = loadConfig({ PUBLIC_URL: ORIGIN, ...env });
  const url = process.env.TEST_DATABASE_URL;
  let dropCopy = async () => {};
  let db: DbHandle;
  if (url) {
    const name = `caucus_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
    await admin.end();
    db = await openDatabase({ databaseUrl: withDatabase(url, name), poolMax: 5 });
    dropCopy = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await dropDatabase(client, name);
      } finally {
        await client.end();
      }
    };
  } else {
    const template = inject('pgliteTemplate');
    db = await openDatabase(template ? { pgliteDump: await openAsBlob(template) } : {});
    if (!template) await migrateToLatest(db.db);
  }
  const app = await buildApp({ config, db, web: options.web ?? 'none', logger: false });
  await app.ready();
  return {
    app,
    db,
    config,
    async close() {
      await app.close();
      await db.close();
      await dropCopy();
    },
    request({ as, headers, ...options }) {
      const merged: Record<string, string> = { origin: config.publicUrl.origin, ...(headers as Record<string, string>) };
      if (as) merged.cookie = `${SESSION_COOKIE}=${as}`;
      return app.inject({ ...options, headers: merged });
    },
  };
}

let counter = 0;

/** A verified member made through the real accounts service, and a session token from a real login. */
export async function createMember(t: TestApp, overrides: Partial<NewAccount> = {}): Promise<{ id: string; token: string; handle: string; email: string }> {
  counter += 1;
  const suffix = `${counter}${randomBytes(2).toString('hex')}`;
  const account: NewAccount = {
    email: `member${suffix}@example.org`,
    password: STRONG_PASSWORD,
    displayName: `Membre ${suffix}`,
    handle: `member_${suffix}`,
    verified: true,
    ...overrides,
  };
  const accounts = createAccountsService({ db: t.db.db, mailer: t.app.mailer, config: t.config });
  const id = await t.db.db.transaction().execute(async (tx) => {
    await completeSetup(tx);
    return accounts.createAccount(tx, account);
  });
  const token = account.verified === false ? '' : await login(t, account.email, account.password);
  return { id, token, handle: account.handle, email: account.email.toLowerCase() };
}

export async function login(t: TestApp, email: string, password = STRONG_PASSWORD, ip = randomIp()): Promise<string> {
  const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, headers: { origin: t.config.publicUrl.origin }, remoteAddress: ip });
  const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
  if (response.statusCode !== 200 || !cookie) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  return cookie.value;
}

/** A fresh client address, so per-IP rate limits of one test do not spill into another. */
export function randomIp(): string {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}

/** The newest outbox mail to an address, and the token of its link. */
export async function lastMailTo(t: TestApp, to: string): Promise<{ subject: string; text: string; token: string | null } | undefined> {
  await t.app.mailer.idle();
  const row = await t.db.db.selectFrom('outbox').select(['subject', 'text_body']).where('to_address', '=', to.toLowerCase()).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
  if (!row) return undefined;
  return { subject: row.subject, text: row.text_body, token: /token=([a-z0-9]+)/.exec(row.text_body)?.[1] ?? null };
}

/** A session for any member, even one who could not log in yet (an unverified address). */
export async function sessionFor(t: TestApp, memberId: string): Promise<string> {
  return (await createSession(t.db.db, memberId, { userAgent: 'vitest', ip: null })).token;
}

/** How many rows each table holds: to show a refused write left nothing behind. */
type Table = 'members' | 'consents' | 'sessions' | 'email_tokens' | 'outbox';
export async function countRows<T extends Table = 'members' | 'consents' | 'email_tokens'>(t: TestApp, tables: T[] = ['members', 'consents', 'email_tokens'] as T[]): Promise<Record<T, number>> {
  await t.app.mailer.idle();
  const counts = {} as Record<T, number>;
  for (const table of tables) {
    counts[table] = Number((await t.db.db.selectFrom(table as Table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  }
  return counts;
}
