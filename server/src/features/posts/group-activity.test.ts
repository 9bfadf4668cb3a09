import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership } from '../../testing/wall-fixtures.ts';
import { recountGroupActivity } from './group-activity.ts';

// A group's post count is written after the post commits, batched per group: exact under a burst,
// and set back from the posts by the hourly recount when a process died in between.

let t: TestApp;
let group: { id: string; slug: string };
const counts = async () => (await sql<{ post_count: number; last_activity_at: Date | null }>`SELECT post_count, last_activity_at FROM groups WHERE id = ${group.id}`.execute(t.db.db)).rows[0]!;

beforeAll(async () => {
  t = await createTestApp();
  group = await insertGroup(t, 'private');
});
afterAll(() => t.close());

describe("a group's post count", () => {
  it('is exact after a burst of posts and comments from many members at once, and after a deletion', async () => {
    const members = await Promise.all(Array.from({ length: 8 }, () => createMember(t)));
    for (const m of members) await setMembership(t, group.id, m.id, 'active');
    const before = await counts();
    const created = await Promise.all(members.flatMap((m) => [1, 2, 3].map((i) =>
      t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: m.token, payload: { body: `Message ${i}` } }))));
    expect(created.map((r) => r.statusCode)).toEqual(created.map(() => 201));
    const after = await counts();
    expect(after.post_count).toBe(before.post_count + 24);
    expect(after.last_activity_at!.getTime()).toBeGreaterThan(before.last_activity_at?.getTime() ?? 0);

    const firstId = created[0]!.json().id as string;
    const commented = await t.request({ method: 'POST', url: `/api/v1/posts/${firstId}/comments`, as: members[1]!.token, payload: { body: "J'y serai" } });
    expect(commented.statusCode).toBe(201);
    expect((await counts()).post_count).toBe(before.post_count + 24);
    expect((await t.request({ method: 'DELETE', url: `/api/v1/posts/${firstId}`, as: members[0]!.token })).statusCode).toBe(200);
    expect((await counts()).post_count).toBe(before.post_count + 23);
  });

  it('is set back from the posts by the recount when it drifted, and left alone when right', async () => {
    const right = (await counts()).post_count;
    expect(await recountGroupActivity(t.db.db)).toBe(0);
    await sql`UPDATE groups SET post_count = post_count + 5 WHERE id = ${group.id}`.execute(t.db.db);
    expect(await recountGroupActivity(t.db.db)).toBe(1);
    expect((await counts()).post_count).toBe(right);
  });
});
