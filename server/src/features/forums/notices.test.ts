import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiCalls } from '../../testing/api-calls.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, leaveGroup, setMembership, type TestMember } from '../../testing/wall-fixtures.ts';
import { sendNotificationEmail } from '../notifications/email-job.ts';

// A private group's forum notifies those who watch a thread of each reply and those a post
// mentions, only while they may read the thread; nobody outside hears anything, in the app or by
// e-mail; a muted thread is silent.

let t: TestApp;
const { api, ok } = apiCalls(() => t);
let organizer: TestMember;
let alice: TestMember;
let bob: TestMember;
let carol: TestMember;
let outsider: TestMember;
let group: { id: string; slug: string };
let thread: string;

type Listed = { notifications: Array<{ id: string; kind: string; thread?: { id: string; title: string; position: number } | null; excerpt: string; actor: { handle: string } }> };
const notificationsOf = async (who: TestMember) => {
  await t.app.notifications.idle();
  return (await ok<Listed>(api('GET', '/notifications', who.token))).notifications;
};

beforeAll(async () => {
  t = await createTestApp();
  [organizer, alice, bob, carol, outsider] = await Promise.all([createMember(t), createMember(t), createMember(t), createMember(t), createMember(t)]);
  group = await insertGroup(t, 'private');
  await setMembership(t, group.id, organizer.id, 'active', 'organizer');
  for (const member of [alice, bob, carol]) await setMembership(t, group.id, member.id, 'active');
  await ok(api('POST', `/groups/${group.slug}/forum/categories`, organizer.token, { name: 'Débats' }), 201);
  thread = (await ok<{ id: string }>(api('POST', `/groups/${group.slug}/forum/categories/debats/threads`, alice.token, { title: 'Fête de quartier', body: 'On organise ?' }), 201)).id;
});
afterAll(() => t.close());

describe('forum notifications', () => {
  it('tells the watching author of a reply, and a mentioned member; never someone outside the group', async () => {
    await ok(api('POST', `/threads/${thread}/posts`, bob.token, { body: `Oui ! @${carol.handle} tu tiens la buvette ? @${outsider.handle} viendra peut-être` }), 201);
    const [toAlice] = await notificationsOf(alice);
    expect(toAlice).toMatchObject({ kind: 'forum_reply', actor: { handle: bob.handle }, thread: { id: thread, title: 'Fête de quartier', position: 2 } });
    expect(toAlice!.excerpt).toContain('tu tiens la buvette');
    expect((await notificationsOf(carol)).map((n) => n.kind)).toEqual(['forum_mention']);
    expect(await notificationsOf(outsider)).toEqual([]);
    expect(await notificationsOf(bob)).toEqual([]);
  });

  it('sends the mention by e-mail with a link to the post, and nothing once the member left', async () => {
    const [mention] = await notificationsOf(carol);
    expect(await sendNotificationEmail(t.app, mention!.id)).toBe(true);
    const [mail] = await t.db.db.selectFrom('outbox').selectAll().where('to_address', '=', carol.email).execute();
    expect(mail!.subject).toContain('vous a mentionné dans le forum');
    expect(mail!.text_body).toContain(`/threads/${thread}?at=2#p-2`);
    await ok(api('POST', `/threads/${thread}/posts`, bob.token, { body: `Encore toi @${carol.handle}` }), 201);
    const [second] = await notificationsOf(carol);
    await leaveGroup(t, group.id, carol.id);
    expect(await sendNotificationEmail(t.app, second!.id)).toBe(false);
    // What she may no longer read is gone from her notifications too.
    expect((await notificationsOf(carol)).every((n) => n.thread === null && n.excerpt === '')).toBe(true);
  });

  it('is silent on a muted thread', async () => {
    await ok(api('PUT', `/threads/${thread}/level`, alice.token, { level: 'muted' }));
    const before = (await notificationsOf(alice)).length;
    await ok(api('POST', `/threads/${thread}/posts`, bob.token, { body: `Tu es là @${alice.handle} ?` }), 201);
    expect((await notificationsOf(alice)).length).toBe(before);
  });
});
