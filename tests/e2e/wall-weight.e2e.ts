// A group's wall with twenty posts, as a signed-in member sees it: how much HTML it weighs, and
// that reacting (with and without JavaScript) still works from the lean markup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { startCaucus, type Caucus } from './harness.ts';

// The seeds' shared password (server/src/features/seed/seed.ts).
const DEMO_PASSWORD = 'Demo-Caucus-2027!';
// Was 87.6 kB before the wall's markup and page data were slimmed, 66 kB with a reaction form on
// every post, 45 kB with the buttons on demand and the page data said once. The goal is
// 30 kB: what remains is the page's head and layout, and twenty posts in HTML and in page data.
const WALL_BUDGET_BYTES = 48_000;

let caucus: Caucus;
let slug = '';
let email = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  caucus = await startCaucus({ prepare: [['seed', '--demo']] });
  // One group of the scale seed gets most of its 100 posts. Seeded beside the running server (on
  // PostgreSQL) so that its output names the members: m0_<tag> organizes the group, m1_<tag> is a member.
  const out = await caucus.cli(['seed', '--scale', '30', '--groups', '1', '--posts', '100']);
  const tag = /handles m<i>_(\w+)/.exec(out)?.[1];
  if (!tag) throw new Error(`The scale seed did not name its members: ${out}`);
  email = `m1.${tag}@scale.caucus.test`;
  const groups = (await (await fetch(`${caucus.url}/api/v1/groups?q=commun`)).json()) as { groups: Array<{ slug: string }> };
  slug = groups.groups.find((group) => group.slug.startsWith('groupe-1-'))!.slug;
});

afterAll(async () => {
  for (const context of contexts) await context.close();
  await caucus?.close();
});

async function signIn(javaScriptEnabled = true): Promise<Page> {
  const context = javaScriptEnabled
    ? await caucus.newContext()
    : await caucus.browser.newContext({ baseURL: caucus.url, javaScriptEnabled: false, locale: 'fr-FR' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto('/login', { waitUntil: 'networkidle' });
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect.poll(() => new URL(page.url()).pathname).not.toBe('/login');
  return page;
}

describe('a group wall of twenty posts, signed in', () => {
  it('weighs no more than its budget', async () => {
    const page = await signIn();
    const response = await page.request.get(`/groups/${slug}`);
    const html = await response.text();
    expect(response.status()).toBe(200);
    expect((html.match(/<article class="post /g) ?? []).length).toBe(20);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(WALL_BUDGET_BYTES);
  });

  it('reacts with JavaScript, in place, by mouse and by keyboard', async () => {
    const page = await signIn();
    await page.goto(`/groups/${slug}`, { waitUntil: 'networkidle' });
    const post = page.locator('article.post').nth(1);
    const before = await post.locator('[data-kind=thinking]').count();
    // The buttons come for this post alone, the focus on the first; Escape puts them away.
    await post.getByRole('link', { name: 'Réagir' }).click();
    expect(await page.locator('form.reactions').count()).toBe(1);
    expect(await page.locator(':focus').getAttribute('value')).toBe('like');
    await page.keyboard.press('Escape');
    expect(await page.locator('form.reactions').count()).toBe(0);
    expect(await page.locator(':focus').textContent()).toBe('Réagir');
    await page.keyboard.press('Enter');
    await post.getByRole('button', { name: 'Ça fait réfléchir' }).click();
    await expect.poll(() => post.locator('li.mine [data-kind=thinking]').count()).toBe(1);
    expect(new URL(page.url()).search).toBe('');
    // Chosen again, it is taken back.
    await post.getByRole('link', { name: 'Réagir' }).click();
    await expect.poll(() => post.getByRole('button', { name: 'Ça fait réfléchir' }).getAttribute('aria-pressed')).toBe('true');
    await post.getByRole('button', { name: 'Ça fait réfléchir' }).click();
    await expect.poll(() => post.locator('[data-kind=thinking]').count()).toBe(before);
    expect(await post.locator('li.mine').count()).toBe(0);
  });

  it('reacts without JavaScript: the form posts and the wall comes back with the reaction', async () => {
    const page = await signIn(false);
    await page.goto(`/groups/${slug}`);
    const id = (await page.locator('article.post').nth(2).getAttribute('id'))!;
    const post = page.locator(`#${id}`);
    // "React" is a link: the wall comes back with this post's buttons open, and only its.
    await post.getByRole('link', { name: 'Réagir' }).click();
    expect(await page.locator('form.reactions').count()).toBe(1);
    await page.locator(`#${id}`).getByRole('button', { name: 'J’adore' }).click();
    await page.waitForLoadState('load');
    expect(new URL(page.url()).pathname).toBe(`/groups/${slug}`);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator(`#${id} li.mine [data-kind=love]`).textContent()).toMatch(/^\d+$/);
    expect(await page.locator('form.reactions').count()).toBe(0);
    expect(caucus.foreignRequests).toEqual([]);
  });
});
