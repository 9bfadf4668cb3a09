import type { GroupVisibility } from '@caucus/shared/constants.ts';
import { newId } from '#core/ids.ts';
import { renderMarkdown } from '#core/markdown.ts';
import type { TestApp } from '../../testing/test-app.ts';
import { storeNotifications, type NotificationInput, type StoredNotification } from './notify.ts';

/** As a service does it: store in its transaction, deliver after commit; then wait for the delivery. */
export async function notify(t: TestApp, inputs: NotificationInput[]): Promise<StoredNotification[]> {
  const stored = await t.db.db.transaction().execute((tx) => storeNotifications(tx, inputs));
  t.app.notifications.deliver(stored);
  await t.app.notifications.idle();
  return stored;
}

// Rows the notifications point at, written directly: these tests are about notifications, not
// about the rules of posting (the end-to-end test goes through the posts routes).
export async function insertPost(t: TestApp, authorId: string, body: string, groupId: string | null = null): Promise<string> {
  const id = newId();
  await t.db.db.insertInto('posts').values({ id, author_id: authorId, wall: groupId ? 'group' : 'network', group_id: groupId, profile_id: null, body, body_html: renderMarkdown(body) }).execute();
  return id;
}

export async function insertComment(t: TestApp, postId: string, authorId: string, body: string): Promise<string> {
  const id = newId();
  await t.db.db.insertInto('comments').values({ id, post_id: postId, parent_id: null, author_id: authorId, body, body_html: renderMarkdown(body) }).execute();
  return id;
}

export async function insertGroup(t: TestApp, visibility: GroupVisibility, members: Array<{ id: string; state?: 'active' | 'banned' | 'invited' | 'pending'; role?: 'organizer' | 'member' }>): Promise<{ id: string; slug: string; name: string }> {
  const id = newId();
  const slug = `groupe-${id.slice(-8)}`;
  const name = `Groupe ${id.slice(-4)}`;
  await t.db.db.insertInto('groups').values({ id, slug, name, visibility }).execute();
  if (members.length > 0) {
    await t.db.db.insertInto('group_members').values(members.map((m) => ({ group_id: id, member_id: m.id, state: m.state ?? 'active', role: m.role ?? 'member' }))).execute();
  }
  return { id, slug, name };
}
