import { resetRateLimit, RATE_RULES } from '#core/rate-limit.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertGroup, setMembership, wallCounts, XSS_PAYLOADS, type TestMember } from '../../testing/wall-fixtures.ts';

let t: TestApp;
let author: TestMember;
let reader: TestMember;
let outsider: TestMember;
let group: { id: string; slug: string };
let postId: string;

beforeAll(async () => {
  t = await createTestApp();
  [author, reader, outsider] = await Promise.all([createMember(t), createMember(t, { handle: `Lea_${Date.now() % 100000}` }), createMember(t)]);
  group = await insertGroup(t, 'private');
  await setMembership(t, group.id, author.id, 'active');
  await setMembership(t, group.id, reader.id, 'active');
  postId = (await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: author.token, payload: { body: 'Fil' } })).json().id;
});
afterAll(() => t.close());

const publish = async (body: string) => {
  await resetRateLimit(t.db.db, RATE_RULES.postPerMember, author.id); // the corpus is longer than a minute's allowance
  const response = await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: author.token, payload: { body } });
  expect(response.statusCode).toBe(201);
  return response.json();
};
const mentionsOf = (memberId: string) => t.db.db.selectFrom('notifications').select(['post_id', 'comment_id']).where('recipient_id', '=', memberId).where('kind', '=', 'mention').execute();

const TAG = /<[a-z][^>]*>/gi;
const INTERNAL = '/(members|hashtags)/[^"]*';

function expectInert(html: string): void {
  expect(html).not.toMatch(/<script|<iframe|<img|<svg|<style|<object|<embed|<form|<meta|<math|<span/i);
  for (const tag of html.match(TAG) ?? []) {
    expect(tag).not.toMatch(/\son\w+\s*=/i);
    expect(tag).not.toMatch(/javascript:|vbscript:|data:/i);
    expect(tag).not.toMatch(/style=/i);
    expect(tag).toMatch(new RegExp(`^<(p|br|strong|em|del|a|ul|ol|li|blockquote|code|pre)( href="((https?://|mailto:)[^"]*|${INTERNAL})")?( rel="nofollow noopener noreferrer ugc")?( class="(mention|hashtag)")? ?/?>$`));
  }
}

describe('post text', () => {
  it('links @mentions of existing members (any case) and leaves unknown ones as text', async () => {
    const created = await publish(`Merci @${reader.handle.toLowerCase()} et @personne_inconnue !`);
    expect(created.bodyHtml).toBe(`<p>Merci <a href="/members/${reader.handle}" class="mention">@${reader.handle}</a> et @personne_inconnue !</p>`);
  });

  it('links #hashtags, stores them lower-cased once per post, lists the post on the tag page', async () => {
    const created = await publish('Réunion #Logement et #logement, #École, pas #2027, pas `#code`, pas a#b');
    expect(created.bodyHtml).toContain('<a href="/hashtags/logement" class="hashtag">#Logement</a>');
    expect(created.bodyHtml).toContain(`<a href="/hashtags/${encodeURIComponent('école')}" class="hashtag">#École</a>`);
    const tags = await t.db.db.selectFrom('post_hashtags').select('tag').where('post_id', '=', created.id).orderBy('tag').execute();
    expect(tags.map((row) => row.tag)).toEqual(['logement', 'école']);
    const page = (await t.request({ url: `/api/v1/hashtags/${encodeURIComponent('École')}/posts`, as: reader.token })).json();
    expect(page.posts.map((p: { id: string }) => p.id)).toEqual([created.id]);
    expect((await t.request({ url: '/api/v1/hashtags/pas%20un%20tag/posts', as: reader.token })).statusCode).toBe(400);
  });

  it('makes bare URLs and e-mail addresses clickable, and keeps a URL fragment out of hashtags', async () => {
    const created = await publish('Voir https://example.org/page#section ou écrire à contact@example.org');
    expect(created.bodyHtml).toBe(
      '<p>Voir <a href="https://example.org/page#section" rel="nofollow noopener noreferrer ugc">https://example.org/page#section</a> ou écrire à <a href="mailto:contact@example.org" rel="nofollow noopener noreferrer ugc">contact@example.org</a></p>',
    );
  });

  it('notifies a mentioned member who may read the post, never one who may not', async () => {
    const created = await publish(`Avis de @${reader.handle} et @${outsider.handle} ?`);
    await t.app.notifications.idle();
    expect(await mentionsOf(reader.id)).toContainEqual({ post_id: created.id, comment_id: null });
    expect((await mentionsOf(outsider.id)).some((n) => n.post_id === created.id)).toBe(false);
    // A mention kept through an edit does not notify again; a new one does.
    const other = await createMember(t);
    await setMembership(t, group.id, other.id, 'active');
    await t.request({ method: 'PATCH', url: `/api/v1/posts/${created.id}`, as: author.token, payload: { body: `Avis de @${reader.handle} et @${other.handle} ?` } });
    expect((await mentionsOf(reader.id)).filter((n) => n.post_id === created.id)).toHaveLength(1);
    expect(await mentionsOf(other.id)).toContainEqual({ post_id: created.id, comment_id: null });
  });

  it('notifies members mentioned in a comment', async () => {
    const comment = (await t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, as: author.token, payload: { body: `@${reader.handle} tu viens ?` } })).json();
    expect(comment.bodyHtml).toContain(`href="/members/${reader.handle}"`);
    expect(await mentionsOf(reader.id)).toContainEqual({ post_id: postId, comment_id: comment.id });
  });

  it('refuses more than 20 mentions at once, writing nothing', async () => {
    const before = await wallCounts(t);
    const body = Array.from({ length: 21 }, (_, i) => `@membre_${i}`).join(' ');
    const response = await t.request({ method: 'POST', url: `/api/v1/groups/${group.slug}/posts`, as: author.token, payload: { body } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toBe('too_many');
    expect(await wallCounts(t)).toEqual(before);
  });

  it.each(XSS_PAYLOADS)('renders %s inert, as a post and as a comment', async (payload) => {
    const created = await publish(`${payload} @${reader.handle} #tag`);
    expectInert(created.bodyHtml);
    const read = (await t.request({ url: `/api/v1/posts/${created.id}`, as: reader.token })).json();
    expectInert(read.bodyHtml);
    const comment = await t.request({ method: 'POST', url: `/api/v1/posts/${postId}/comments`, as: reader.token, payload: { body: payload } });
    expect(comment.statusCode).toBe(201);
    expectInert(comment.json().bodyHtml);
  });
});
