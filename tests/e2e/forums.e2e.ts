import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { artifacts, PASSWORD, startCaucus, type Caucus } from './harness.ts';

// A group's forum in three browsers: the organizer opens a category, a member starts a thread from
// a phone, another member reading the thread sees the reply come live, the first member's list of
// categories counts what they have not read; a closed thread refuses a reply and says why; quoting
// and replying work without JavaScript.
const shots = process.env.E2E_SHOTS_DIR ?? artifacts;
const PHONE = { width: 360, height: 740 };

let caucus: Caucus;
let organizer: Person; // Camille, the network's owner, organizer of the group
let member: Person; // Lucas, on a phone
let reader: Person; // Amina, on a desktop
let slug: string;
let threadUrl: string;

interface Person {
  context: BrowserContext;
  page: Page;
  /** Text of every socket.io frame this page received. */
  frames: string[];
  api<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T>;
}

const people = {
  camille: { displayName: 'Camille Martin', email: 'camille@example.org' },
  lucas_m: { displayName: 'Lucas Moreau', email: 'lucas@example.org' },
  amina_d: { displayName: 'Amina Diallo', email: 'amina@example.org' },
};
type Handle = keyof typeof people;

/** The API as a plain client: the owner through the wizard, two militants signed up and verified. */
async function createNetwork(): Promise<void> {
  const call = async (method: string, apiPath: string, body?: unknown, cookie = '') => {
    const response = await fetch(`${caucus.url}/api/v1${apiPath}`, {
      method,
      headers: { origin: caucus.url, ...(cookie && { cookie }), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${await response.text()}`);
    return response;
  };
  const setup = await call('POST', '/setup', {
    networkName: 'Élan commun', tagline: 'De la commune au pays', acceptPrivacyPolicy: true,
    handle: 'camille', displayName: people.camille.displayName, email: people.camille.email, password: PASSWORD,
  });
  const ownerCookie = setup.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
  for (const handle of ['lucas_m', 'amina_d'] as const) {
    const { displayName, email } = people[handle];
    await call('POST', '/auth/signup', { displayName, email, password: PASSWORD, acceptPrivacyPolicy: true });
    const outbox = (await (await call('GET', `/admin/outbox?to=${encodeURIComponent(email)}`, undefined, ownerCookie)).json()) as { mails: { text: string }[] };
    const token = outbox.mails.map((mail) => /verify-email\?token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1]).find(Boolean);
    if (!token) throw new Error(`no verification link for ${email}`);
    await call('POST', '/auth/verify-email', { token });
    const login = await call('POST', '/auth/login', { email, password: PASSWORD });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    await call('PUT', '/me/handle', { handle }, cookie);
  }
}

async function signIn(handle: Handle, viewport?: { width: number; height: number }): Promise<Person> {
  const context = await caucus.newContext(viewport);
  const page = await context.newPage();
  const frames: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));
  await page.goto('/login', { waitUntil: 'networkidle' });
  await page.locator('input[name=email]').fill(people[handle].email);
  await page.locator('input[name=password]').fill(PASSWORD);
  await page.locator('main form button[type=submit]').first().click();
  await page.waitForURL((url) => url.pathname === '/');
  const api = async <T,>(method: string, apiPath: string, body?: unknown): Promise<T> => {
    const response = await context.request.fetch(`${caucus.url}/api/v1${apiPath}`, {
      method,
      headers: { origin: caucus.url, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { data: JSON.stringify(body) }),
    });
    if (!response.ok()) throw new Error(`${method} ${apiPath}: ${response.status()} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return { context, page, frames, api };
}

/** The page as it looks on a desktop and on a phone, then back to the size it had. */
async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.screenshot({ path: path.join(shots, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: path.join(shots, `${name}-360.png`), fullPage: true });
  await page.setViewportSize(size);
}

/** Goes to a page and waits until its live connection has been granted what the page watches. */
async function openLive(person: Person, url: string): Promise<void> {
  const granted = person.frames.filter((frame) => frame.includes('"ok":true')).length;
  await person.page.goto(url, { waitUntil: 'networkidle' });
  await expect.poll(() => person.frames.filter((frame) => frame.includes('"ok":true')).length).toBeGreaterThan(granted);
}

const post = (page: Page, position: number) => page.locator(`#p-${position}`);
const categoryUnread = (page: Page) => page.getByTestId('category-unread').allInnerTexts();
// Evaluated as text: the tests' type check has no DOM.
const noSidewaysScroll = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth');

beforeAll(async () => {
  caucus = await startCaucus();
  await createNetwork();
  [organizer, member, reader] = await Promise.all([signIn('camille'), signIn('lucas_m', PHONE), signIn('amina_d')]);
  // A public group: Camille organizes it, Lucas and Amina joined.
  const group = await organizer.api<{ slug: string }>('POST', '/groups', { name: 'Comité des Pentes', visibility: 'public', description: 'Le groupe du quartier.' });
  slug = group.slug;
  await member.api('POST', `/groups/${slug}/join`);
  await reader.api('POST', `/groups/${slug}/join`);
});
afterAll(async () => {
  await caucus?.close();
});

describe('a group’s forum in the browser', () => {
  it('lets the organizer open the first category, with who may do what said in words', async () => {
    const page = organizer.page;
    await page.goto(`/groups/${slug}`, { waitUntil: 'networkidle' });
    await page.locator('.group-tabs').getByRole('link', { name: 'Forum' }).click();
    await page.waitForURL((url) => url.pathname === `/groups/${slug}/forum`);
    expect(await page.locator('main').innerText()).toContain('Pas encore de catégorie');
    expect(await page.locator('.group-tabs [aria-current=page]').innerText()).toBe('Forum');
    await page.getByLabel('Nom').fill('Vie du quartier');
    await page.getByLabel('Description').fill('Propreté, écoles, commerces : ce qui change aux Pentes.');
    // The levels read as people of this group, not as codes.
    expect(await page.getByLabel('Répondre dans ses sujets').locator('option').allInnerTexts())
      .toEqual(['Les membres du groupe', 'Les modérateur·rices et organisateur·rices du groupe', 'Les organisateur·rices du groupe']);
    expect(await page.getByLabel('Lire cette catégorie').locator('option').first().innerText()).toBe('Tout le monde (le groupe est public)');
    await page.getByRole('button', { name: 'Créer la catégorie' }).click();
    await expect.poll(() => page.getByText('La catégorie est créée.').count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Vie du quartier' }).count()).toBe(1);
    expect(await page.locator('main').innerText()).toContain('0 sujet');
  });

  it('lets a member start a thread from a phone', async () => {
    const page = member.page;
    await page.goto(`/groups/${slug}/forum`, { waitUntil: 'networkidle' });
    await page.getByRole('link', { name: 'Vie du quartier' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/vie-du-quartier'));
    expect(await page.locator('main').innerText()).toContain('Aucun sujet pour l’instant');
    await page.getByRole('link', { name: 'Nouveau sujet' }).click();
    await page.getByLabel('Titre').fill('Un composteur collectif place Sathonay ?');
    await page.getByLabel('Premier message').fill('La mairie propose d’en installer un. Qui serait partant pour s’en occuper ?');
    await page.getByRole('button', { name: 'Publier le sujet' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/threads/'));
    threadUrl = new URL(page.url()).pathname;
    expect(await page.locator('h1').innerText()).toBe('Un composteur collectif place Sathonay ?');
    expect(await post(page, 1).innerText()).toContain('Qui serait partant');
    expect(await noSidewaysScroll(page)).toBe(true);
    await page.getByRole('link', { name: 'Vie du quartier' }).click();
    await page.waitForURL((url) => url.pathname.endsWith('/vie-du-quartier'));
    expect(await page.locator('.thread-row').innerText()).toContain('Un composteur collectif place Sathonay ?');
    expect(await noSidewaysScroll(page)).toBe(true);
  });

  it('shows a reply to the member reading the thread at once, and counts it unread on the other’s list of categories', async () => {
    await openLive(reader, threadUrl);
    // Amina never opened it: no marker of new posts on a first visit.
    expect(await reader.page.getByText('Nouveaux messages depuis votre dernière visite').count()).toBe(0);
    await reader.page.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));

    await member.page.goto(threadUrl, { waitUntil: 'networkidle' });
    await member.page.getByLabel('Votre réponse').fill('Je veux bien tenir les permanences du samedi.');
    await member.page.getByRole('button', { name: 'Répondre', exact: true }).click();
    await expect.poll(() => post(member.page, 2).count()).toBe(1);
    const sentAt = Date.now();
    await expect.poll(() => post(reader.page, 2).count(), { timeout: 3000, interval: 50 }).toBe(1);
    expect(Date.now() - sentAt).toBeLessThan(3000);
    expect(await post(reader.page, 2).innerText()).toContain('permanences du samedi');
    expect(await reader.page.evaluate(() => (globalThis as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);

    // Lucas read everything he wrote: nothing unread, until Amina answers.
    await openLive(member, `/groups/${slug}/forum`);
    expect(await categoryUnread(member.page)).toEqual([]);
    await reader.page.getByRole('link', { name: 'Citer #2' }).click();
    expect(await reader.page.locator('#reply').innerText()).toContain('Vous citez Lucas Moreau, message n° 2');
    await expect.poll(() => reader.page.locator(':focus').getAttribute('id')).toBe('reply-body');
    await reader.page.keyboard.type('Et moi ceux du mercredi.');
    await reader.page.getByRole('button', { name: 'Répondre', exact: true }).click();
    await expect.poll(() => post(reader.page, 3).count()).toBe(1);
    expect(await post(reader.page, 3).locator('blockquote').innerText()).toContain('Lucas Moreau, message n° 2');
    await expect.poll(() => categoryUnread(member.page), { timeout: 3000, interval: 50 }).toEqual(['1 sujet non lu']);
    await expect.poll(() => member.page.locator('.category__numbers').innerText()).toContain('3 messages');

    // A new thread is one more unread thread, counted as it comes.
    await reader.api('POST', `/groups/${slug}/forum/categories/vie-du-quartier/threads`, { title: 'Fête des voisins', body: 'On la fait le 30 mai ?' });
    await expect.poll(() => categoryUnread(member.page), { timeout: 3000, interval: 50 }).toEqual(['2 sujets non lus']);
    await snap(member.page, 'forums-index');

    // On the category's page, the thread shows what is new to Lucas, and leads to it.
    await member.page.getByRole('link', { name: 'Vie du quartier' }).click();
    await member.page.waitForURL((url) => url.pathname.endsWith('/vie-du-quartier'));
    expect(await member.page.getByTestId('thread-unread').innerText()).toBe('1 non lu');
    expect(await member.page.getByTestId('thread-new').count()).toBe(1);
    await snap(member.page, 'forums-category');
    await member.page.getByRole('link', { name: 'Un composteur collectif place Sathonay ?' }).click();
    await member.page.waitForURL((url) => url.search === '?at=3');
    expect(await member.page.locator('.thread__marker').innerText()).toBe('Nouveaux messages depuis votre dernière visite');
    await snap(reader.page, 'forums-thread');
  });

  it('refuses a reply to a thread closed meanwhile, says so, and keeps the text', async () => {
    await reader.page.goto(threadUrl, { waitUntil: 'networkidle' });
    await reader.page.getByLabel('Votre réponse').fill('Une dernière idée sur les horaires.');

    await organizer.page.goto(threadUrl, { waitUntil: 'networkidle' });
    await organizer.page.getByRole('button', { name: 'Fermer le sujet' }).click();
    await expect.poll(() => organizer.page.locator('.thread__head .badge').allInnerTexts()).toContain('Fermé');
    // A moderator may still answer: the form stays, and says so.
    expect(await organizer.page.locator('#reply').innerText()).toContain('vous pouvez encore y répondre');

    await reader.page.getByRole('button', { name: 'Répondre', exact: true }).click();
    const alert = reader.page.locator('#reply [role=alert]');
    await expect.poll(() => alert.count()).toBe(1);
    expect(await alert.innerText()).toContain('Ce sujet a été fermé : il n’accepte plus de réponses.');
    expect(await reader.page.getByLabel('Votre réponse').inputValue()).toBe('Une dernière idée sur les horaires.');
    await reader.page.reload({ waitUntil: 'networkidle' });
    expect(await reader.page.getByRole('button', { name: 'Répondre', exact: true }).count()).toBe(0);
    expect(await reader.page.locator('#reply').innerText()).toBe('Ce sujet est fermé : il n’accepte plus de réponses.');
    await snap(reader.page, 'forums-thread-closed');

    await organizer.page.getByRole('button', { name: 'Rouvrir le sujet' }).click();
    await expect.poll(() => organizer.page.locator('.thread__head .badge').allInnerTexts()).not.toContain('Fermé');
  });

  it('quotes and replies without JavaScript', async () => {
    const context = await caucus.browser.newContext({ baseURL: caucus.url, javaScriptEnabled: false, locale: 'fr-FR', viewport: PHONE });
    const page = await context.newPage();
    await page.goto('/login');
    await page.locator('input[name=email]').fill(people.amina_d.email);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('main form button[type=submit]').first().click();

    await page.goto(threadUrl);
    await page.getByRole('link', { name: 'Citer #1' }).click();
    expect(new URL(page.url()).search).toBe('?quote=1');
    expect(await page.locator('#reply').innerText()).toContain('Vous citez Lucas Moreau, message n° 1');
    await page.getByLabel('Votre réponse').fill('Sans JavaScript aussi, je participe.');
    await page.getByRole('button', { name: 'Répondre', exact: true }).click();
    const url = new URL(page.url());
    expect([url.pathname, url.search, url.hash]).toEqual([threadUrl, '?at=4', '#p-4']);
    expect(await post(page, 4).innerText()).toContain('Sans JavaScript aussi, je participe.');
    expect(await post(page, 4).locator('blockquote').innerText()).toContain('Lucas Moreau, message n° 1');
    // A blank reply is refused with the reason under its field.
    await page.getByLabel('Votre réponse').fill('   ');
    await page.getByRole('button', { name: 'Répondre', exact: true }).click();
    expect(await page.locator('#reply-body-error').innerText()).toContain('obligatoire');
    expect(await page.locator('#reply-body').getAttribute('aria-invalid')).toBe('true');
    // Closed while she writes: the refusal says why, on the page, and hands her text back to copy.
    await page.getByLabel('Votre réponse').fill('Trop tard ?');
    await organizer.api('PUT', `${threadUrl}/close`);
    await page.getByRole('button', { name: 'Répondre', exact: true }).click();
    expect(await page.locator('#reply [role=alert]').innerText()).toContain('Ce sujet a été fermé : il n’accepte plus de réponses.');
    expect(await page.locator('#unsent-body').inputValue()).toBe('Trop tard ?');
    await context.close();
  });

  it('made no request to any other origin', () => {
    expect(caucus.foreignRequests).toEqual([]);
  });
});
