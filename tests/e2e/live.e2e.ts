import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { artifacts, PASSWORD, startCaucus, type Caucus } from './harness.ts';

// Walls, the home feed and the live layer, in two (and three) browsers at once: a member posts,
// another sees it without reloading; reactions and comments move counts and badges live; a
// non-member's open page of a private group receives nothing at all.
const shots = process.env.E2E_SHOTS_DIR ?? artifacts;

let caucus: Caucus;
let organizer: Person; // Camille, the network's owner, organizer of the group
let member: Person; // Lucas, a member of the group
let outsider: Person; // Amina, signed in, not in the group
let slug: string;
let postId: string;

interface Person {
  context: BrowserContext;
  page: Page;
  /** Text of every socket.io frame this page received. */
  frames: string[];
  /** A call to the API as this person (their session cookie, the site's origin). */
  api<T = unknown>(method: string, apiPath: string, body?: unknown): Promise<T>;
}

const people = {
  camille: { displayName: 'Camille Martin', email: 'camille@example.org' },
  lucas_m: { displayName: 'Lucas Moreau', email: 'lucas@example.org' },
  amina_d: { displayName: 'Amina Diallo', email: 'amina@example.org' },
};
type Handle = keyof typeof people;

/** The API as a plain client (no browser): the owner through the wizard, two militants signed up and verified. */
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
    // Sign-up takes no handle: the member chooses it once signed in.
    const login = await call('POST', '/auth/login', { email, password: PASSWORD });
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    await call('PUT', '/me/handle', { handle }, cookie);
  }
}

async function signIn(handle: Handle): Promise<Person> {
  const context = await caucus.newContext();
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

/** The page as it looks on a desktop and on a phone. */
async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shots, `${name}-360.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 800 });
}

const postCard = (page: Page, text: string) => page.locator('article.post', { hasText: text });
// Read in one step: counting, then reading the text, waited forever for a badge that went between the two.
const unreadBadge = async (page: Page) => {
  const [text] = await page.getByTestId('unread-badge').allInnerTexts();
  return text === undefined ? 0 : Number(text);
};

/** On the notifications page: "mark all as read", once the page can take the click, and the badge goes. */
async function markAllRead(page: Page): Promise<void> {
  const button = page.getByRole('button', { name: 'Tout marquer comme lu' });
  if ((await button.count()) > 0) {
    const answered = page.waitForResponse((response) => response.url().includes('?/readAll'));
    await button.click();
    expect((await answered).status()).toBeLessThan(400);
  }
  await expect.poll(() => unreadBadge(page)).toBe(0);
}

beforeAll(async () => {
  caucus = await startCaucus();
  await createNetwork();
  [organizer, member, outsider] = await Promise.all([signIn('camille'), signIn('lucas_m'), signIn('amina_d')]);
  // A private group of two: Camille organizes it, Lucas asked and was let in; Amina is not in it.
  const group = await organizer.api<{ slug: string }>('POST', '/groups', {
    name: 'Comité du direct',
    visibility: 'private',
    description: 'Le groupe qui teste le **direct**.',
  });
  slug = group.slug;
  await member.api('POST', `/groups/${slug}/join`);
  await organizer.api('POST', `/groups/${slug}/members/lucas_m/approve`);
});
afterAll(async () => {
  await caucus?.close();
});

describe('walls, feed and live updates in the browser', () => {
  it('shows a post to another member of the group within 2 s, without a reload, and nothing to a non-member', async () => {
    await Promise.all([
      organizer.page.goto(`/groups/${slug}`, { waitUntil: 'networkidle' }),
      member.page.goto(`/groups/${slug}`, { waitUntil: 'networkidle' }),
      outsider.page.goto(`/groups/${slug}`, { waitUntil: 'networkidle' }),
    ]);
    // The outsider sees the group exists, and that its content is for members.
    expect(await outsider.page.locator('main').innerText()).toContain('réservées à ses membres');
    const outsiderBefore = await outsider.page.locator('main').innerHTML();
    const outsiderFramesBefore = outsider.frames.length;
    await member.page.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));
    await expect.poll(() => member.frames.some((frame) => frame.includes('"ok":true'))).toBe(true); // the watch was granted

    const text = `Tractage samedi au marché ${Date.now()}`;
    await organizer.page.locator('#composer-body').fill(`${text} #direct`);
    await organizer.page.getByRole('button', { name: 'Publier' }).click();
    await expect.poll(() => postCard(organizer.page, text).count()).toBe(1);
    const shownAt = Date.now();
    await expect.poll(() => postCard(member.page, text).count(), { timeout: 2000, interval: 50 }).toBe(1);
    expect(Date.now() - shownAt).toBeLessThan(2000);
    expect(await member.page.evaluate(() => (globalThis as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    postId = (await postCard(member.page, text).getAttribute('id'))!.replace('post-', '');
    expect(member.frames.some((frame) => frame.includes(text))).toBe(true);

    // Give a stray event time to arrive, then check that none did.
    await member.page.waitForTimeout(500);
    expect(await outsider.page.locator('main').innerHTML()).toBe(outsiderBefore);
    expect(outsider.frames.slice(outsiderFramesBefore).filter((frame) => frame.includes(text) || frame.includes(postId))).toEqual([]);
    expect(outsider.frames.join('\n')).not.toContain(text);
    await snap(member.page, 'live-group-wall');
  });

  it('moves the reaction count on the author’s page when another member reacts', async () => {
    const onMember = postCard(member.page, 'Tractage samedi');
    // On a wall, a post shows its counts; the buttons come when asked, and go once used.
    await onMember.getByRole('link', { name: 'Réagir' }).click();
    await onMember.getByRole('button', { name: 'Solidarité' }).click();
    await expect.poll(() => onMember.locator('li.mine [data-kind=solidarity]').textContent()).toBe('1');
    expect(await onMember.getByRole('button', { name: 'Solidarité' }).count()).toBe(0);
    const onOrganizer = postCard(organizer.page, 'Tractage samedi');
    await expect.poll(() => onOrganizer.locator('[data-kind=solidarity]').textContent(), { timeout: 2000, interval: 50 }).toBe('1');

    // Switching to another kind moves the count from one to the other: one reaction per member.
    await onMember.getByRole('link', { name: 'Réagir' }).click();
    await onMember.getByRole('button', { name: 'Bravo' }).click();
    await expect.poll(() => onOrganizer.locator('[data-kind=applause]').textContent(), { timeout: 2000, interval: 50 }).toBe('1');
    expect(await onOrganizer.locator('[data-kind=solidarity]').count()).toBe(0);
    expect(outsider.frames.join('\n')).not.toContain(postId);
  });

  it('moves the author’s notification badge when another member comments', async () => {
    await organizer.page.goto('/notifications', { waitUntil: 'networkidle' });
    await markAllRead(organizer.page);
    await organizer.page.goto(`/groups/${slug}`, { waitUntil: 'networkidle' });

    await member.page.goto(`/posts/${postId}`, { waitUntil: 'networkidle' });
    await member.page.locator('#comment-body').fill('J’apporte les tracts et une table.');
    await member.page.getByRole('button', { name: 'Commenter' }).click();
    await expect.poll(() => member.page.locator('.comment__body', { hasText: 'J’apporte les tracts et une table.' }).count()).toBe(1);
    expect(await member.page.locator('#comments-title').innerText()).toBe('1 commentaire');

    await expect.poll(() => unreadBadge(organizer.page), { timeout: 2000, interval: 50 }).toBe(1);
    await expect.poll(() => postCard(organizer.page, 'Tractage samedi').locator('.post__comments').innerText()).toContain('1 commentaire');
    await snap(member.page, 'live-post-page');

    await organizer.page.goto('/notifications', { waitUntil: 'networkidle' });
    expect(await organizer.page.locator('main').innerText()).toContain('Lucas Moreau a commenté votre publication');
    await snap(organizer.page, 'live-notifications');
    await markAllRead(organizer.page);
    expect(await organizer.page.locator('.notification--unread').count()).toBe(0);
  });

  it('shows the home feed with live posts held behind a "new posts" button', async () => {
    await member.page.goto('/', { waitUntil: 'networkidle' });
    expect(await postCard(member.page, 'Tractage samedi').count()).toBe(1);
    const text = `Réunion publique jeudi ${Date.now()}`;
    await organizer.api('POST', `/groups/${slug}/posts`, { body: text });
    const banner = member.page.getByRole('button', { name: /1 nouvelle publication/ });
    await expect.poll(() => banner.count(), { timeout: 2000, interval: 50 }).toBe(1);
    expect(await postCard(member.page, text).count()).toBe(0); // held back: the page does not move
    await banner.click();
    await expect.poll(() => postCard(member.page, text).count()).toBe(1);
    // Shown with the reader's own controls (the feed reloads its first page).
    expect(await postCard(member.page, text).getByRole('link', { name: 'Réagir' }).count()).toBe(1);
    await snap(member.page, 'live-home-feed');
  });

  it('posts, reacts, comments, follows and edits without JavaScript', async () => {
    const context = await caucus.browser.newContext({ baseURL: caucus.url, javaScriptEnabled: false, locale: 'fr-FR' });
    const page = await context.newPage();
    await page.goto('/login');
    await page.locator('input[name=email]').fill(people.lucas_m.email);
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.locator('main form button[type=submit]').first().click();

    await page.goto(`/groups/${slug}`);
    const text = `Sans JavaScript ${Date.now()}`;
    await page.locator('#composer-body').fill(text);
    await page.getByRole('button', { name: 'Publier' }).click();
    expect(new URL(page.url()).pathname).toBe(`/groups/${slug}`);
    const card = postCard(page, text);
    expect(await card.count()).toBe(1);

    // The "React" link brings the page back with this post's buttons open; reacting closes them.
    await card.getByRole('link', { name: 'Réagir' }).click();
    await postCard(page, text).getByRole('button', { name: 'J’adore' }).click();
    expect(new URL(page.url()).search).toBe('');
    expect(await postCard(page, text).locator('[data-kind=love]').textContent()).toBe('1');
    await postCard(page, text).getByRole('link', { name: 'Réagir' }).click();
    await postCard(page, text).getByRole('button', { name: 'J’adore' }).click(); // the same again takes it back
    expect(await postCard(page, text).locator('[data-kind=love]').count()).toBe(0);

    await postCard(page, text).locator('summary.menu__button').click();
    await postCard(page, text).getByRole('link', { name: 'Modifier' }).click();
    await page.locator('article textarea').fill(`${text} (corrigé)`);
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await page.getByText(`${text} (corrigé)`).count()).toBe(1);
    expect(await page.locator('article.post').innerText()).toContain('modifié');

    await page.locator('#comment-body').fill('Un commentaire sans script');
    await page.getByRole('button', { name: 'Commenter' }).click();
    expect(await page.locator('.comment__body', { hasText: 'Un commentaire sans script' }).count()).toBe(1);
    await page.locator('details.reply summary').first().click();
    await page.locator('details.reply textarea').first().fill('Et sa réponse');
    await page.locator('details.reply').first().getByRole('button', { name: 'Répondre' }).click();
    expect(await page.locator('.replies').innerText()).toContain('Et sa réponse');

    await page.goto('/members/camille');
    await page.locator('.profile__follow button').click();
    expect(await page.locator('.profile__follow button').innerText()).toContain('Abonné');
    await page.locator('.profile__follow button').click();
    expect(await page.locator('.profile__follow button').innerText()).toBe('Suivre');
    await context.close();
  });

  it('creates a token shown once, and revokes it', async () => {
    const page = member.page;
    await page.goto('/settings/tokens', { waitUntil: 'networkidle' });
    await page.locator('#token-name').fill('Robot du groupe');
    await page.getByRole('button', { name: 'Créer le jeton' }).click();
    await expect.poll(() => page.locator('#token-secret').count()).toBe(1);
    expect(await page.locator('#token-secret').inputValue()).toMatch(/^caucus_pat_/);
    await snap(page, 'live-tokens');
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator('#token-secret').count()).toBe(0); // never shown again
    await page.getByRole('listitem').filter({ hasText: 'Robot du groupe' }).locator('summary').click();
    await page.getByRole('button', { name: 'Oui, révoquer' }).click();
    await expect.poll(() => page.getByText('Le jeton a été révoqué.').count()).toBe(1);
    expect(await page.locator('.token').count()).toBe(0);

    await page.goto('/settings/notifications', { waitUntil: 'networkidle' });
    await snap(page, 'live-notification-settings');
    await page.goto('/members/lucas_m', { waitUntil: 'networkidle' });
    await snap(page, 'live-profile');
    await page.goto('/hashtags/direct', { waitUntil: 'networkidle' });
    expect(await postCard(page, 'Tractage samedi').count()).toBe(1);
    await snap(page, 'live-hashtag');
  });

  it('made no request to any other origin', () => {
    expect(caucus.foreignRequests).toEqual([]);
  });
});
