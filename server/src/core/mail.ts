import fp from 'fastify-plugin';
import nodemailer from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.ts';
import type { Db } from './db.ts';
import { newId } from './ids.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends through SMTP when `SMTP_URL` is set; otherwise writes to the outbox table (read by admins
 * in the app) and logs the text, so links work on the embedded default with no mail server.
 * Sending never holds a request: `send` queues and returns; `idle()` waits (tests, shutdown).
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, db: Db, log: FastifyBaseLogger) {
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null;
  const inFlight = new Set<Promise<void>>();

  async function deliver(mail: Mail): Promise<void> {
    if (transport) {
      await transport.sendMail({ from: config.mailFrom, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
      log.info({ to: mail.to, subject: mail.subject }, 'mail sent over SMTP');
      return;
    }
    await db.insertInto('outbox').values({ id: newId(), to_address: mail.to, subject: mail.subject, text_body: mail.text, html_body: mail.html }).execute();
    log.info({ to: mail.to, subject: mail.subject, text: mail.text }, 'mail stored in the outbox (no SMTP_URL)');
  }

  return {
    transport: transport ? 'smtp' : 'outbox',
    /** Sends now and rejects on failure: for jobs, which retry (a request uses `send`). */
    deliver,
    send(mail: Mail): void {
      const job = deliver(mail)
        .catch((error: unknown) => log.error({ err: error, to: mail.to, subject: mail.subject }, 'mail delivery failed'))
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
    },
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    close(): void {
      transport?.close();
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;

declare module 'fastify' {
  interface FastifyInstance {
    mailer: Mailer;
  }
}

export const mailPlugin = fp<{ config: Config }>(async (app, { config }) => {
  const mailer = createMailer(config, app.db, app.log);
  app.decorate('mailer', mailer);
  app.addHook('onClose', async () => {
    await mailer.idle();
    mailer.close();
  });
}, { name: 'mail', dependencies: ['db'] });
