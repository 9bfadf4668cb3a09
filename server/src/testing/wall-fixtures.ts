import { sql } from 'kysely';
import type { GroupMemberState, GroupRole, GroupVisibility, NetworkRole } from '@caucus/shared/constants.ts';
import { newId } from '../core/ids.ts';
import type { createMember, TestApp } from './test-app.ts';
import { MARKDOWN_XSS } from './xss-payloads.ts';

// Groups and their people for the walls' tests, written straight into the tables so that these
// tests do not depend on the groups routes (the authorization matrix uses group-roles.ts, which
// goes through them).

export type TestMember = Awaited<ReturnType<typeof createMember>>;

let groupCounter = 0;

export async function insertGroup(t: TestApp, visibility: GroupVisibility, name?: string): Promise<{ id: string; slug: string }> {
  groupCounter += 1;
  const id = newId();
  const slug = `groupe-${visibility}-${groupCounter}-${id.slice(-6)}`;
  await t.db.db.insertInto('groups').values({ id, slug, name: name ?? `Groupe ${visibility} ${groupCounter}`, visibility }).execute();
  return { id, slug };
}

export async function setMembership(t: TestApp, groupId: string, memberId: string, state: GroupMemberState, role: GroupRole = 'member'): Promise<void> {
  await t.db.db.insertInto('group_members').values({ group_id: groupId, member_id: memberId, state, role })
    .onConflict((oc) => oc.columns(['group_id', 'member_id']).doUpdateSet({ state, role }))
    .execute();
  await sql`UPDATE groups SET member_count = (SELECT count(*) FROM group_members WHERE group_id = ${groupId} AND state = 'active') WHERE id = ${groupId}`.execute(t.db.db);
}

export async function leaveGroup(t: TestApp, groupId: string, memberId: string): Promise<void> {
  await t.db.db.deleteFrom('group_members').where('group_id', '=', groupId).where('member_id', '=', memberId).execute();
}

export async function setNetworkRole(t: TestApp, memberId: string, role: NetworkRole): Promise<void> {
  await t.db.db.updateTable('members').set({ role }).where('id', '=', memberId).execute();
  // Written past the services: told to the app's session cache as they would (other processes hear the trigger).
  t.app.sessionCache.forgetMember(memberId);
}

export async function follow(t: TestApp, followerId: string, followeeId: string): Promise<void> {
  await t.db.db.insertInto('follows').values({ follower_id: followerId, followee_id: followeeId }).execute();
}

/** Row counts of the walls' tables: a refused write must leave them as they were. */
export async function wallCounts(t: TestApp): Promise<Record<string, number>> {
  const { rows } = await sql<{ posts: number; comments: number; reactions: number; post_hashtags: number; notifications: number; follows: number; live_posts: number; comment_total: number; reaction_total: number }>`
    SELECT (SELECT count(*) FROM posts)::int AS posts, (SELECT count(*) FROM posts WHERE deleted_at IS NULL)::int AS live_posts,
      (SELECT count(*) FROM comments)::int AS comments, (SELECT count(*) FROM reactions)::int AS reactions,
      (SELECT count(*) FROM post_hashtags)::int AS post_hashtags, (SELECT count(*) FROM notifications)::int AS notifications,
      (SELECT count(*) FROM follows)::int AS follows,
      (SELECT coalesce(sum(comment_count), 0) FROM posts)::int AS comment_total, (SELECT coalesce(sum(reaction_count), 0) FROM posts)::int AS reaction_total`.execute(t.db.db);
  return rows[0]!;
}

/** The bio tests' XSS corpus (profiles/bio.test.ts), and payloads aimed at mentions, hashtags and autolinks. */
export const XSS_PAYLOADS = [
  ...MARKDOWN_XSS,
  // Mentions, hashtags and bare links.
  '@<script>alert(1)</script>',
  '#<img src=x onerror=alert(1)>',
  '#"onmouseover="alert(1)',
  '@admin"onmouseover="alert(1)',
  '<a href="/members/x" onclick="alert(1)" class="mention evil">@x</a>',
  '[#tag](javascript:alert(1))',
  '[@admin](javascript:alert(1))',
  'https://ok.example/"><script>alert(1)</script>',
  'www.evil.example/<svg/onload=alert(1)>',
  '#tag<script>alert(1)</script>',
  '`#code` <span onclick=alert(1)>#tag</span>',
];
