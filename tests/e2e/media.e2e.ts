import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { makeMediaFixtures, type MediaFixtures } from '../fixtures/media/make-fixtures.ts';
import { startCaucus, type Caucus } from './harness.ts';

// Images in the browser, on the demo network: a member of a private group sets an avatar and posts
// a photo (alt text, a progress bar to 100 %, the placeholder then the image); a non-member and a
// visitor get nothing at the photo's URL.
const DEMO_PASSWORD = 'Demo-Caucus-2027!';
let caucus: Caucus;
let fixtures: MediaFixtures;
let fixturesDir: string;
let member: BrowserContext;
let page: Page;
let photoUrl = '';

beforeAll(async () => {
  fixturesDir = mkdtempSync(path.join(tmpdir(), 'caucus-e2e-media-'));
  fixtures = await makeMediaFixtures(fixturesDir, { capBytes: 20 * 1024 * 1024 });
  caucus = await startCaucus({ prepare: [['seed', '--demo']] });
  member = await caucus.newContext();
  page = await member.newPage();
  await logIn(page, 'thomas_g');
});
afterAll(async () => {
  await caucus?.close();
  rmSync(fixturesDir, { recursive: true, force: true });
});

async function logIn(on: Page, handle: string): Promise<void> {
  await on.goto('/login', { waitUntil: 'networkidle' });
  await on.getByLabel('Adresse e-mail').fill(`${handle}@demo.caucus.test`);
  await on.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
  await on.getByRole('button', { name: 'Se connecter' }).click();
  await on.waitForURL((url) => url.pathname === '/', { timeout: 15_000 });
}

/** Every value the item's progress took, as the page drew it, and the bytes sent slowly enough to see it move. */
async function watchProgress(on: Page): Promise<() => Promise<number[]>> {
  const cdp = await on.context().newCDPSession(on);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 96 * 1024 });
  // In the page (a string: this package is typed without the DOM).
  await on.evaluate(`(() => {
    const seen = [];
    window.progressSeen = seen;
    new MutationObserver((records) => {
      for (const record of records) {
        const value = record.target.dataset && record.target.dataset.percent;
        if (value !== undefined && seen.at(-1) !== Number(value)) seen.push(Number(value));
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-percent'] });
  })()`);
  return async () => {
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    return on.evaluate<number[]>('window.progressSeen');
  };
}

/** The media responses held back a while, so the placeholder has time to show. */
async function slowMedia(on: Page, ms: number): Promise<() => Promise<void>> {
  const handler = async (route: Parameters<Parameters<Page['route']>[1]>[0]) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  };
  await on.route('**/media/**', handler);
  return () => on.unroute('**/media/**', handler);
}

describe('images in the browser', () => {
  it('sets an avatar with its alt text, the progress bar reaching 100 %, the placeholder then the image', async () => {
    await page.goto('/settings/profile', { waitUntil: 'networkidle' });
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Photo de profil' }) });
    await section.locator('input[type=file]').setInputFiles(fixtures.photoJpeg);
    const alt = section.getByLabel('Description (texte alternatif)');
    await expect.poll(() => alt.count()).toBe(1);
    // No alt text, no upload.
    await section.getByRole('button', { name: 'Envoyer' }).click();
    await expect.poll(() => section.getByText('Décrivez d’abord l’image').count()).toBe(1);

    await alt.fill('Thomas au marché de Rennes');
    const progress = await watchProgress(page);
    const unslow = await slowMedia(page, 1500);
    await section.getByRole('button', { name: 'Envoyer' }).click();
    await expect.poll(() => section.locator('progress').count()).toBe(1);
    await expect.poll(() => section.getByText('Votre photo est à jour').count(), { timeout: 30_000 }).toBe(1);
    const seen = await progress();
    expect(seen.at(-1)).toBe(100);
    expect(seen.some((value) => value > 0 && value < 100)).toBe(true);

    // The new avatar: its thumbhash drawn at once (a data: image), the real one once it arrives.
    const avatar = section.locator('.avatar--image .media-image');
    await expect.poll(() => avatar.count()).toBe(1);
    expect(await avatar.locator('.media-image__placeholder').getAttribute('src')).toMatch(/^data:image\/webp;base64,/);
    expect(await avatar.getAttribute('class')).not.toContain('media-image--loaded');
    await expect.poll(() => avatar.getAttribute('class'), { timeout: 15_000 }).toContain('media-image--loaded');
    const real = avatar.locator('.media-image__img');
    expect(await real.getAttribute('alt')).toBe('Thomas au marché de Rennes');
    expect(await real.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
    await unslow();
    await caucus.screenshot(page, 'media-avatar');

    // Everywhere else the avatar is shown: the header's account button.
    await page.goto('/', { waitUntil: 'networkidle' });
    await expect.poll(() => page.locator('.site-header .avatar--image img.media-image__img').count()).toBe(1);
  });

  it('posts a photo in a private group, shown in a gallery that opens full size and moves by keyboard', async () => {
    const groups = await (await page.request.get('/api/v1/me/groups')).json() as { groups: Array<{ group: { slug: string; visibility: string } }> };
    const slug = groups.groups.find((entry) => entry.group.visibility === 'private')!.group.slug;
    await page.goto(`/groups/${slug}`, { waitUntil: 'networkidle' });
    const composer = page.locator('form.composer');
    await composer.locator('input[type=file]').setInputFiles([fixtures.photoJpeg, fixtures.webp]);
    const alts = composer.getByLabel('Description (texte alternatif)');
    await expect.poll(() => alts.count()).toBe(2);
    await alts.nth(0).fill('Le stand du marché des Lices');
    await alts.nth(1).fill('La banderole bleue');
    const progress = await watchProgress(page);
    await composer.getByRole('button', { name: 'Envoyer' }).first().click();
    await composer.getByRole('button', { name: 'Envoyer' }).first().click();
    await expect.poll(() => composer.locator('[data-status=done]').count(), { timeout: 30_000 }).toBe(2);
    expect((await progress()).filter((value) => value === 100).length).toBeGreaterThanOrEqual(1);

    await composer.getByLabel('Écrire sur le mur de', { exact: false }).fill('Notre stand ce matin aux Lices');
    await composer.getByRole('button', { name: 'Publier' }).click();
    const post = page.locator('article.post', { hasText: 'Notre stand ce matin aux Lices' });
    await expect.poll(() => post.locator('.gallery__item').count()).toBe(2);
    expect(await post.locator('.gallery img.media-image__img').first().getAttribute('alt')).toBe('Le stand du marché des Lices');

    // Full size in a dialog; the arrow keys move between the images; Escape closes it.
    await post.locator('.gallery__link').first().click();
    const viewer = page.getByRole('dialog', { name: 'Visionneuse d’images' });
    await expect.poll(() => viewer.isVisible()).toBe(true);
    await expect.poll(() => viewer.locator('figcaption').innerText()).toContain('Le stand du marché des Lices');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => viewer.locator('figcaption').innerText()).toContain('La banderole bleue');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => viewer.locator('figcaption').innerText()).toContain('Le stand du marché des Lices');
    await caucus.screenshot(page, 'media-gallery');
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.isVisible()).toBe(false);

    photoUrl = (await post.locator('.gallery__link').first().getAttribute('href'))!;
    expect(photoUrl).toMatch(/^\/media\/[A-Za-z0-9_-]{22}\/w\d+\.webp$/);
    const own = await page.request.get(photoUrl);
    expect(own.status()).toBe(200);
    expect(own.headers()['content-type']).toBe('image/webp');
  });

  it("gives a non-member and a visitor nothing at the private group's photo URL", async () => {
    const outsider = await caucus.newContext();
    const outsiderPage = await outsider.newPage();
    await logIn(outsiderPage, 'lucas_m');
    const denied = await outsiderPage.request.get(photoUrl);
    expect(denied.status()).toBe(404);
    expect((await denied.body()).includes(Buffer.from('RIFF'))).toBe(false);
    // Opened as a page, too.
    const opened = await outsiderPage.goto(photoUrl);
    expect(opened?.status()).toBe(404);

    const visitor = await caucus.newContext();
    expect((await (await visitor.newPage()).request.get(photoUrl)).status()).toBe(404);
    expect(caucus.foreignRequests).toEqual([]);
  });
});
