import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { up as dropForgedClasses } from '../../../../migrations/0009_forged_mention_classes.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';

let t: TestApp;
let author: Awaited<ReturnType<typeof createMember>>;
beforeAll(async () => {
  t = await createTestApp();
  author = await createMember(t, { role: 'admin' });
});
afterAll(() => t.close());

describe('fake mentions', () => {
  it('a post cannot dress an off-site link as a mention', async () => {
    const posted = await t.request({ method: 'POST', url: '/api/v1/walls/network/posts', as: author.token, payload: { body: `Merci @${author.handle} et <a class="mention" href="https://evil.example/">@${author.handle}</a>` } });
    expect(posted.statusCode, posted.body).toBe(201);
    const html: string = posted.json().bodyHtml;
    expect(html.match(/class="mention"/g)).toHaveLength(1);
    expect(html).toContain(`<a href="https://evil.example/" rel="nofollow noopener noreferrer ugc">@${author.handle}</a>`);
  });

  it('the forged classes stored before the fix are taken out, the real ones stay', async () => {
    const real = `<a href="/members/${author.handle}" rel="nofollow noopener noreferrer ugc" class="mention">@${author.handle}</a> <a href="/hashtags/lyon" rel="nofollow noopener noreferrer ugc" class="hashtag">#lyon</a>`;
    const forged = '<a href="https://evil.example/" rel="nofollow noopener noreferrer ugc" class="mention">@camille</a> <a href="/members/x" rel="nofollow noopener noreferrer ugc" class="hashtag">#x</a>';
    const id = (await t.request({ method: 'POST', url: '/api/v1/walls/network/posts', as: author.token, payload: { body: 'ancien texte' } })).json().id as string;
    await t.db.db.updateTable('posts').set({ body_html: `<p>${real} ${forged}</p>` }).where('id', '=', id).execute();
    await dropForgedClasses(t.db.db);
    const { body_html } = await t.db.db.selectFrom('posts').select('body_html').where('id', '=', id).executeTakeFirstOrThrow();
    expect(body_html).toBe(`<p>${real} <a href="https://evil.example/" rel="nofollow noopener noreferrer ugc">@camille</a> <a href="/members/x" rel="nofollow noopener noreferrer ugc">#x</a></p>`);
  });
});
