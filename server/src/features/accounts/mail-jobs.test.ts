import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { countRows, createMember, createTestApp, lastMailTo, randomIp, type TestApp } from '../../testing/test-app.ts';
import { accountMailsSent } from './test-helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const post = (app: TestApp, url: string, email: string) => app.request({ method: 'POST', url, payload: { email }, remoteAddress: randomIp() });

describe('account mails are sent by jobs, off the request', () => {
  it('answers a reset request for a registered address before looking it up; the job then mails the link', async () => {
    const member = await createMember(t, { locale: 'en' });
    const before = await countRows(t, ['outbox', 'email_tokens']);
    expect((await post(t, '/api/v1/auth/password-reset/request', member.email.toUpperCase())).statusCode).toBe(202);
    // No worker has run yet: the request itself wrote no token and sent no mail.
    expect(await countRows(t, ['outbox', 'email_tokens'])).toEqual(before);

    await accountMailsSent(t);
    const mail = await lastMailTo(t, member.email);
    expect(mail?.subject).toMatch(/^Reset your password/);
    expect(mail?.text).toContain(`${t.config.publicUrl.origin}/reset-password?token=${mail?.token}`);
    expect(await countRows(t, ['outbox', 'email_tokens'])).toEqual({ outbox: before.outbox + 1, email_tokens: before.email_tokens + 1 });
  });

  it('mails a new verification link to an unverified address only, by the job', async () => {
    const unverified = await createMember(t, { verified: false });
    const verified = await createMember(t);
    for (const email of [unverified.email, verified.email, 'nobody-at-all@example.org']) {
      expect((await post(t, '/api/v1/auth/resend-verification', email)).statusCode).toBe(202);
    }
    await accountMailsSent(t);
    expect((await lastMailTo(t, unverified.email))?.text).toContain('/verify-email?token=');
    expect(await lastMailTo(t, verified.email)).toBeUndefined();
    expect(await lastMailTo(t, 'nobody-at-all@example.org')).toBeUndefined();
  });

  it('does not lose a reset request when the process stops before the mail goes out', async () => {
    const own = await createTestApp();
    try {
      const member = await createMember(own);
      expect((await post(own, '/api/v1/auth/password-reset/request', member.email)).statusCode).toBe(202);
      await own.app.close(); // stopped before any worker ran

      // A new process on the same database runs the queued job.
      own.app = await buildApp({ config: own.config, db: own.db, web: 'none', logger: false });
      await own.app.ready();
      await accountMailsSent(own);
      expect((await lastMailTo(own, member.email))?.text).toContain('/reset-password?token=');
    } finally {
      await own.close();
    }
  });
});
