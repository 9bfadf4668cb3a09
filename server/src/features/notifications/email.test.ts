import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { sendNotificationEmail } from './email-job.ts';
import { insertComment, insertGroup, insertPost, notify } from './test-helpers.ts';

const until = async <T>(find: () => Promise<T | undefined>, ms = 15_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting for the mail');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('notification e-mails (outbox: no SMTP server)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await createMember(t, { role: 'owner' }); // closes the first-run setup
    await t.db.db.updateTable('network_settings').set({ name: 'Ensemble 2027' }).execute();
    await t.app.jobs.startWorkers();
  });
  afterAll(() => t.close());

  const outboxTo = (to: string) => t.db.db.selectFrom('outbox').selectAll().where('to_address', '=', to).execute();
  const mailTo = (to: string) => until(async () => (await outboxTo(to))[0]);

  it('mails a reply in French by a job: what happened, the excerpt, a link to the comment and to the preferences', async () => {
    const me = await createMember(t, { displayName: 'Amina Diallo' });
    const actor = await createMember(t, { displayName: 'Hugo Petit' });
    const postId = await insertPost(t, me.id, 'Qui vient tracter samedi ?');
    const commentId = await insertComment(t, postId, actor.id, 'Moi, avec **trois** amis <b>!</b>');
    await notify(t, [{ recipientId: me.id, kind: 'reply', actorId: actor.id, postId, commentId }]);

    const mail = await mailTo(me.email);
    expect(mail.subject).toBe('Hugo Petit a répondu à votre commentaire — Ensemble 2027');
    expect(mail.text_body).toContain('Bonjour Amina Diallo,');
    expect(mail.text_body).toContain('« Moi, avec trois amis ! »');
    expect(mail.text_body).toContain(`http://localhost:3000/posts/${postId}#comment-${commentId}`);
    expect(mail.text_body).toContain('http://localhost:3000/settings/notifications');
    expect(mail.html_body).toContain(`<a href="http://localhost:3000/posts/${postId}#comment-${commentId}">`);
    expect(mail.html_body).toContain('<blockquote>Moi, avec trois amis !</blockquote>');
    expect(mail.html_body).not.toContain('<b>');
  });

  it('writes in English for a member who reads English, and links an invitation to its group', async () => {
    const me = await createMember(t, { displayName: 'Sam Lee', locale: 'en' });
    const organizer = await createMember(t, { displayName: 'Nadia' });
    const group = await insertGroup(t, 'secret', [{ id: organizer.id, role: 'organizer' }, { id: me.id, state: 'invited' }]);
    await notify(t, [{ recipientId: me.id, kind: 'invitation', actorId: organizer.id, groupId: group.id }]);

    const mail = await mailTo(me.email);
    expect(mail.subject).toBe(`Nadia invites you to join ${group.name} — Ensemble 2027`);
    expect(mail.text_body).toContain('Hello Sam Lee,');
    expect(mail.text_body).toContain(`http://localhost:3000/groups/${group.slug}`);
    expect(mail.text_body).toContain('To choose what you receive:\nhttp://localhost:3000/settings/notifications');
  });

  it('mails only the kinds the member asked for by e-mail, and a merged reaction once', async () => {
    const me = await createMember(t);
    const [a, b] = [await createMember(t), await createMember(t)];
    const postId = await insertPost(t, me.id, 'Post');
    await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', as: me.token, payload: { preferences: [{ kind: 'comment', inApp: true, email: false }, { kind: 'reaction', inApp: true, email: true }] } });
    await notify(t, [{ recipientId: me.id, kind: 'comment', actorId: a.id, postId }]);
    await notify(t, [{ recipientId: me.id, kind: 'reaction', actorId: a.id, postId }]);
    await notify(t, [{ recipientId: me.id, kind: 'reaction', actorId: b.id, postId }]);
    await mailTo(me.email);
    await new Promise((resolve) => setTimeout(resolve, 500)); // room for a wrong second mail to arrive
    const mails = await outboxTo(me.email);
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/réagi à votre publication/)]);
  });

  it('sends nothing when the notification was read, deleted or turned off by the time the job runs, or its group became unreadable', async () => {
    const me = await createMember(t);
    const actor = await createMember(t);
    const postId = await insertPost(t, me.id, 'Post');
    const store = async (kind: 'mention' | 'reply') => (await t.db.db.insertInto('notifications').values({ id: crypto.randomUUID(), recipient_id: me.id, kind, actor_id: actor.id, post_id: postId }).returning('id').executeTakeFirstOrThrow()).id;

    const read = await store('mention');
    await t.request({ method: 'POST', url: `/api/v1/notifications/${read}/read`, as: me.token });
    expect(await sendNotificationEmail(t.app, read)).toBe(false);

    const deleted = await store('mention');
    await t.db.db.deleteFrom('notifications').where('id', '=', deleted).execute();
    expect(await sendNotificationEmail(t.app, deleted)).toBe(false);

    const turnedOff = await store('reply');
    await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', as: me.token, payload: { preferences: [{ kind: 'reply', inApp: true, email: false }] } });
    expect(await sendNotificationEmail(t.app, turnedOff)).toBe(false);

    const group = await insertGroup(t, 'secret', [{ id: actor.id, role: 'organizer' }, { id: me.id, state: 'banned' }]);
    const groupPost = await insertPost(t, actor.id, 'Secret', group.id);
    const banned = (await t.db.db.insertInto('notifications').values({ id: crypto.randomUUID(), recipient_id: me.id, kind: 'mention', actor_id: actor.id, group_id: group.id, post_id: groupPost }).returning('id').executeTakeFirstOrThrow()).id;
    expect(await sendNotificationEmail(t.app, banned)).toBe(false);

    expect(await outboxTo(me.email)).toEqual([]);
    const sent = await store('mention');
    expect(await sendNotificationEmail(t.app, sent)).toBe(true);
    expect(await outboxTo(me.email)).toHaveLength(1);
  });
});

describe('notification e-mails over a slow SMTP server', () => {
  const SMTP_DELAY_MS = 2500;
  const received: Array<{ to: string[]; raw: string; at: number }> = [];
  let smtp: SMTPServer;
  let t: TestApp;

  beforeAll(async () => {
    // Answers each message only after a few seconds, as an overloaded mail server does.
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          setTimeout(() => {
            received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
            callback();
          }, SMTP_DELAY_MS);
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    t = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}?ignoreTLS=true` });
    await createMember(t, { role: 'owner' });
    await t.app.jobs.startWorkers();
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.close(resolve));
  });

  it('answers the request that notifies at once; the mail arrives later, sent by the job', async () => {
    const me = await createMember(t);
    const actor = await createMember(t);
    await t.request({ method: 'PUT', url: '/api/v1/me/notification-preferences', as: me.token, payload: { preferences: [{ kind: 'comment', inApp: true, email: true }] } });
    const postId = (await t.request({ method: 'POST', url: `/api/v1/profiles/${me.handle}/posts`, as: me.token, payload: { body: 'Post' } })).json().id as string;

    const started = Date.now();
    const comment = await t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, as: actor.token, payload: { body: 'Un commentaire' } });
    const answered = Date.now();
    expect(comment.statusCode).toBe(201);
    expect(answered - started).toBeLessThan(SMTP_DELAY_MS / 2);

    // While the job waits on the mail server, the app answers as usual (on PGlite too: the job holds no connection).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = Date.now();
    expect((await t.request({ method: 'GET', url: '/api/v1/notifications', as: me.token })).statusCode).toBe(200);
    expect(Date.now() - before).toBeLessThan(SMTP_DELAY_MS / 2);
    expect(received.find((m) => m.to.includes(me.email))).toBeUndefined();

    const mail = await until(async () => received.find((m) => m.to.includes(me.email)));
    expect(mail.at - started).toBeGreaterThanOrEqual(SMTP_DELAY_MS);
    expect(mail.raw).toMatch(/^Subject: .*comment/m);
  });
});
