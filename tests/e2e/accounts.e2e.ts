import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { PASSWORD, startCaucus, type Caucus } from './harness.ts';

// One network, walked through in order as its first people would: the owner sets it up, a militant
// joins, verifies, fills a profile, and manages sessions and password.
let caucus: Caucus;
let owner: BrowserContext;
let ownerPage: Page;
const militant = { email: 'nadia.haddad@example.org', handle: 'nadia_h', name: 'Nadia Haddad' };

beforeAll(async () => {
  caucus = await startCaucus();
  owner = await caucus.newContext();
  ownerPage = await owner.newPage();
});
afterAll(async () => {
  await caucus?.close();
});

/** The newest link of a kind mailed to an address, read from the outbox page as the owner. */
/** The newest link of a kind mailed to an address: reset and verification mails go out by a job, a moment after the answer. */
async function linkFromOutbox(to: string, path: string): Promise<string> {
  const link = ownerPage.locator(`a[href*="${path}?token="]`).first();
  await expect.poll(async () => {
    await ownerPage.goto(`/admin/outbox?to=${encodeURIComponent(to)}`, { waitUntil: 'networkidle' });
    return link.count();
  }).toBeGreaterThan(0);
  const href = await link.getAttribute('href');
  return new URL(href!).pathname + new URL(href!).search;
}

async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login', { waitUntil: 'networkidle' });
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
}

describe('a new network, walked through in the browser', () => {
  it('leads every page to the setup wizard until the owner exists, then never again', async () => {
    await ownerPage.goto('/members', { waitUntil: 'networkidle' });
    await expect.poll(() => new URL(ownerPage.url()).pathname).toBe('/setup');
    await caucus.screenshot(ownerPage, 'setup-wizard');
    await ownerPage.locator('input[name=networkName]').fill('Élan commun');
    await ownerPage.locator('input[name=tagline]').fill('De la commune au pays');
    await ownerPage.locator('input[name=displayName]').fill('Camille Martin');
    await ownerPage.locator('input[name=handle]').fill('camille');
    await ownerPage.locator('input[name=email]').fill('camille@example.org');
    await ownerPage.locator('input[name=password]').fill(PASSWORD);
    await ownerPage.locator('input[name=acceptPrivacyPolicy]').check();
    await ownerPage.getByRole('button', { name: 'Créer le réseau' }).click();
    await expect.poll(() => new URL(ownerPage.url()).pathname).toBe('/');
    await expect.poll(() => ownerPage.locator('h1').innerText()).toContain('Camille');
    await expect.poll(() => ownerPage.locator('.site-header__brand').innerText()).toBe('Élan commun');

    await ownerPage.goto('/setup', { waitUntil: 'networkidle' });
    expect(new URL(ownerPage.url()).pathname).toBe('/');
  });

  it('signs up, verifies the address from the outbox link, logs in, and chooses a handle before anything else', async () => {
    const context = await caucus.newContext();
    const page = await context.newPage();
    await page.goto('/signup', { waitUntil: 'networkidle' });
    // No handle at sign-up: whether one is taken is nobody's business before they are a member.
    expect(await page.locator('input[name=handle]').count()).toBe(0);
    await page.locator('input[name=displayName]').fill(militant.name);
    await page.locator('input[name=email]').fill(militant.email);
    await page.locator('input[name=password]').fill('court');
    await page.locator('input[name=acceptPrivacyPolicy]').check();
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    // A weak password is refused beside its field, and the other values are kept.
    await expect.poll(() => page.locator('input[name=password]').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('input[name=displayName]').inputValue()).toBe(militant.name);
    await caucus.screenshot(page, 'signup-error');

    await page.locator('input[name=password]').fill(PASSWORD);
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect.poll(() => page.getByText('Vérifiez votre boîte e-mail').count()).toBeGreaterThan(0);

    const verifyLink = await linkFromOutbox(militant.email, '/verify-email');
    await page.goto(verifyLink, { waitUntil: 'networkidle' });
    await page.getByRole('button', { name: 'Confirmer mon adresse' }).click();
    await expect.poll(() => page.getByText('Votre adresse est confirmée').count()).toBeGreaterThan(0);

    await logIn(page, militant.email, PASSWORD);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/welcome/handle');
    await page.waitForLoadState('networkidle');
    expect(await page.locator('h1').innerText()).toBe('Choisissez votre identifiant');
    const field = page.getByLabel('Identifiant', { exact: true });
    expect(await field.inputValue()).toBe('nadia_haddad'); // suggested from the name
    await caucus.screenshot(page, 'welcome-handle-desktop');
    // Until chosen, the network's pages lead back here; her settings stay open.
    await page.goto('/members', { waitUntil: 'networkidle' });
    expect(new URL(page.url()).pathname).toBe('/welcome/handle');
    await page.goto('/settings', { waitUntil: 'networkidle' });
    expect(new URL(page.url()).pathname).toBe('/settings');

    // On a phone, without JavaScript: a taken handle is an error under the field, for her only.
    const phone = await caucus.browser.newContext({ baseURL: caucus.url, javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'fr-FR' });
    const phonePage = await phone.newPage();
    await logIn(phonePage, militant.email, PASSWORD);
    await expect.poll(() => new URL(phonePage.url()).pathname).toBe('/welcome/handle');
    await phonePage.waitForLoadState('networkidle');
    await phonePage.getByLabel('Identifiant', { exact: true }).fill('Camille');
    await phonePage.getByRole('button', { name: 'Choisir cet identifiant' }).click();
    await expect.poll(() => phonePage.getByLabel('Identifiant', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await phonePage.locator('#handle-error').innerText()).toBe('Cet identifiant est déjà pris.');
    expect(await phonePage.getByLabel('Identifiant', { exact: true }).getAttribute('aria-describedby')).toBe('handle-hint handle-error');
    await caucus.screenshot(phonePage, 'welcome-handle-phone-taken');
    await phone.close();

    await page.goto('/welcome/handle', { waitUntil: 'networkidle' });
    await field.fill(militant.handle);
    await page.getByRole('button', { name: 'Choisir cet identifiant' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.locator('h1').innerText()).toContain('Nadia');
    await page.goto('/welcome/handle', { waitUntil: 'networkidle' });
    expect(new URL(page.url()).pathname).toBe('/'); // chosen once; later changes are in the profile settings
    await context.close();
  });

  it('edits the profile with the commune for members only, which a logged-out visitor does not see', async () => {
    const context = await caucus.newContext();
    const page = await context.newPage();
    await logIn(page, militant.email, PASSWORD);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await page.goto('/settings/profile', { waitUntil: 'networkidle' });
    await page.locator('textarea[name=bio]').fill('Militante à **Roubaix**, logement et transports.');
    await page.locator('select[name=bioVisibility]').selectOption('public');
    await page.locator('input[name=commune]').fill('Roubaix');
    await page.locator('input[name=postalCode]').fill('59100');
    await page.locator('select[name=locationVisibility]').selectOption('members');
    await page.locator('select[name=profileVisibility]').selectOption('public');
    await page.getByRole('button', { name: 'Enregistrer le profil' }).click();
    await expect.poll(() => page.getByText('Votre profil a été enregistré.').count()).toBeGreaterThan(0);
    // The form shows what was saved, not what the page first loaded.
    expect(await page.locator('input[name=commune]').inputValue()).toBe('Roubaix');
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator('input[name=commune]').inputValue()).toBe('Roubaix');

    await page.goto(`/members/${militant.handle}`, { waitUntil: 'networkidle' });
    expect(await page.locator('main').innerText()).toContain('Roubaix');
    await caucus.screenshot(page, 'profile-member-view');

    const visitor = await (await caucus.newContext()).newPage();
    await visitor.goto(`/members/${militant.handle}`, { waitUntil: 'networkidle' });
    const visible = await visitor.locator('main').innerText();
    expect(visible).toContain('Nadia Haddad');
    expect(visible).toContain('logement et transports');
    expect(visible).not.toContain('59100');
    expect(await visitor.content()).not.toContain('59100');
    await caucus.screenshot(visitor, 'profile-visitor-view');
    await context.close();
  });

  it('logs out of every other session from the settings', async () => {
    const laptop = await caucus.newContext();
    const phone = await caucus.newContext({ width: 360, height: 740 });
    const laptopPage = await laptop.newPage();
    const phonePage = await phone.newPage();
    await logIn(laptopPage, militant.email, PASSWORD);
    await logIn(phonePage, militant.email, PASSWORD);
    await expect.poll(() => new URL(phonePage.url()).pathname).toBe('/');

    await phonePage.goto('/settings', { waitUntil: 'networkidle' });
    expect(await phonePage.getByText('Cet appareil').count()).toBe(1);
    await caucus.screenshot(phonePage, 'settings-phone');
    await phonePage.getByRole('button', { name: 'Fermer toutes les autres sessions' }).click();
    await expect.poll(() => phonePage.getByText('Toutes vos autres sessions ont été fermées.').count()).toBeGreaterThan(0);

    await laptopPage.goto('/settings', { waitUntil: 'networkidle' });
    await expect.poll(() => new URL(laptopPage.url()).pathname).toBe('/login');
    await phonePage.goto('/settings', { waitUntil: 'networkidle' });
    expect(new URL(phonePage.url()).pathname).toBe('/settings');
    await laptop.close();
    await phone.close();
  });

  it('resets a forgotten password with the single-use link', async () => {
    const context = await caucus.newContext();
    const page = await context.newPage();
    await page.goto('/forgot-password', { waitUntil: 'networkidle' });
    await page.locator('input[name=email]').fill(militant.email);
    await page.getByRole('button', { name: 'Envoyer le lien' }).click();
    await expect.poll(() => page.getByText('Si un compte existe pour cette adresse').count()).toBeGreaterThan(0);

    const resetLink = await linkFromOutbox(militant.email, '/reset-password');
    await page.goto(resetLink, { waitUntil: 'networkidle' });
    const newPassword = 'Bruyere-Mauve-2028?';
    await page.locator('input[name=password]').fill(newPassword);
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await expect.poll(() => page.getByText('Votre mot de passe a été changé').count()).toBeGreaterThan(0);

    await page.goto(resetLink, { waitUntil: 'networkidle' });
    await page.locator('input[name=password]').fill('Encore-Autre-2029!');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await expect.poll(() => page.locator('[aria-invalid=true], [role=alert]').count()).toBeGreaterThan(0);

    await logIn(page, militant.email, PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/login');
    await logIn(page, militant.email, newPassword);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/');
    await context.close();
  });

  it('keeps what a member typed before the page finished loading (slow connection)', async () => {
    const context = await caucus.newContext();
    // Hold the app's JavaScript back, as a slow phone connection would.
    await context.route('**/_app/immutable/**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
    });
    const page = await context.newPage();
    await page.goto('/login', { waitUntil: 'domcontentloaded' });
    await page.locator('input[name=email]').fill(militant.email);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('input[name=email]').inputValue()).toBe(militant.email);
    await context.close();
  });

  it('switches the interface to English and back, without JavaScript too', async () => {
    const context = await caucus.newContext();
    const page = await context.newPage();
    await page.goto('/login', { waitUntil: 'networkidle' });
    expect(await page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('en');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByRole('button', { name: 'Log in' }).count()).toBeGreaterThan(0);
    await caucus.screenshot(page, 'login-english');

    const noScript = await caucus.browser.newContext({ baseURL: caucus.url, javaScriptEnabled: false });
    const plain = await noScript.newPage();
    await plain.goto('/login', { waitUntil: 'networkidle' });
    await plain.getByRole('button', { name: 'English' }).click();
    expect(await plain.locator('html').getAttribute('lang')).toBe('en');
    await plain.getByRole('button', { name: 'Français' }).click();
    expect(await plain.locator('html').getAttribute('lang')).toBe('fr');
    await noScript.close();
    await context.close();
  });

  it('made no request to any other origin', () => {
    expect(caucus.foreignRequests).toEqual([]);
  });
});
