import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countRows, createMember, createTestApp, randomIp, STRONG_PASSWORD, type TestApp } from '../testing/test-app.ts';

interface Received { from: string; to: string[]; raw: string }

const received: Received[] = [];
let smtp: SMTPServer;
let t: TestApp;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      callback(address.address.startsWith('bounce') ? new Error('550 No such mailbox') : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const { port } = smtp.server.address() as AddressInfo;
  // A plain test server: no STARTTLS upgrade (nodemailer would otherwise try one it advertises).
  t = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true`, MAIL_FROM: 'Caucus <ne-pas-repondre@caucus.example>' });
  await createMember(t, { role: 'owner' }); // closes the first-run setup
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

/** The message as text: quoted-printable soft breaks and escapes undone. */
const decode = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
const signup = (email: string) =>
  t.request({ method: 'POST', url: '/api/v1/auth/signup', remoteAddress: randomIp(), headers: { 'accept-language': 'en' }, payload: { email, password: STRONG_PASSWORD, displayName: 'Sam Smtp', acceptPrivacyPolicy: true } });

describe('mail over SMTP', () => {
  it('sends the verification link through the SMTP server, and keeps nothing in the outbox', async () => {
    expect(t.app.mailer.transport).toBe('smtp');
    expect((await signup('sam@example.org')).statusCode).toBe(202);
    await t.app.mailer.idle();

    const mail = received.find((m) => m.to.includes('sam@example.org'));
    expect(mail).toBeDefined();
    expect(mail!.from).toBe('ne-pas-repondre@caucus.example');
    const text = decode(mail!.raw);
    expect(mail!.raw).toMatch(/^Subject: =\?UTF-8\?Q\?Confirm_your_address/m);
    const link = /http:\/\/localhost:3000\/verify-email\?token=([a-z0-9]+)/.exec(text);
    expect(link).not.toBeNull();
    expect(text).toContain(`<a href="${link![0]}">`); // the HTML part links too
    expect((await countRows(t, ['outbox'])).outbox).toBe(0);

    // The link from the SMTP mail is the one that verifies.
    expect((await t.request({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: link![1] } })).statusCode).toBe(200);
  });

  it('answers the request even when the server refuses the mail, and does not fall back to the outbox', async () => {
    const response = await signup('bounce@example.org');
    expect(response.statusCode).toBe(202);
    await t.app.mailer.idle();
    expect(received.find((m) => m.to.includes('bounce@example.org'))).toBeUndefined();
    expect((await countRows(t, ['outbox'])).outbox).toBe(0);
  });
});
