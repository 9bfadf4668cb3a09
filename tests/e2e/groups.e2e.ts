import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { PASSWORD, startCaucus, type Caucus } from './harness.ts';

// Local groups as their members meet them: create one on a place picked by postal code, find it
// "near me", ask to join a private group and be let in, and what visitors and non-members see.
// The demo network (`caucus seed --demo`) gives verified members with known postal codes.
let caucus: Caucus;
const DEMO_PASSWORD = 'Demo-Caucus-2027!';
// Screenshots stay out of the repository; each page is taken at 1280 and 360 px wide.
const shots = process.env.SHOTS_DIR ?? path.join(tmpdir(), 'caucus-groups-shots');

const contexts: BrowserContext[] = [];
async function open(options: { width?: number; javaScript?: boolean } = {}): Promise<Page> {
  const context = options.javaScript === false
    ? await caucus.browser.newContext({ baseURL: caucus.url, javaScriptEnabled: false, locale: 'fr-FR' })
    : await caucus.newContext({ width: options.width ?? 1280 });
  contexts.push(context);
  return context.newPage();
}

async function logIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login', { waitUntil: 'networkidle' });
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect.poll(() => new URL(page.url()).pathname).not.toBe('/login');
}

async function member(handle: string): Promise<Page> {
  const page = await open();
  await logIn(page, `${handle}@demo.caucus.test`);
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.screenshot({ path: path.join(shots, `${name}-1280.png`), fullPage: true });
  await page.setViewportSize({ width: 360, height: 740 });
  await page.screenshot({ path: path.join(shots, `${name}-360.png`), fullPage: true });
  await page.setViewportSize(viewport);
}

/** Posts on a group's wall through the API, with the page's own session. */
async function postOnWall(page: Page, slug: string, body: string): Promise<void> {
  const response = await page.request.post(`/api/v1/groups/${slug}/posts`, { data: { body }, headers: { origin: caucus.url } });
  expect(response.status()).toBe(201);
}

/** The newest link of a kind mailed to an address, read from the outbox as the owner. */
async function linkFromOutbox(owner: Page, to: string, pathPrefix: string): Promise<string> {
  await owner.goto(`/admin/outbox?to=${encodeURIComponent(to)}`, { waitUntil: 'networkidle' });
  const href = await owner.locator(`a[href*="${pathPrefix}"]`).first().getAttribute('href');
  expect(href).toBeTruthy();
  return new URL(href!).pathname + new URL(href!).search;
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  caucus = await startCaucus({ prepare: [['seed', '--demo']] });
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await caucus?.close();
});

describe('local groups in the browser', () => {
  let lucas: Page;
  const publicGroup = { name: 'Villeurbanne Gratte-Ciel', slug: '' };
  const privateGroup = { name: 'Équipe tractage Saint-Denis', slug: '' };
  const secretGroup = { name: 'Cellule riposte', slug: '' };

  it('creates a group on a place picked from the suggestions by postal code', async () => {
    lucas = await member('lucas_m');
    await lucas.goto('/groups', { waitUntil: 'networkidle' });
    await lucas.getByRole('link', { name: 'Créer un groupe' }).first().click();
    await expect.poll(() => new URL(lucas.url()).pathname).toBe('/groups/new');
    await lucas.waitForLoadState('networkidle');
    await lucas.getByLabel('Nom du groupe').fill(publicGroup.name);
    await lucas.getByLabel('Description').fill('Les militant·es du **Gratte-Ciel**, tous les mardis à 19 h.');
    const place = lucas.getByRole('combobox', { name: 'Lieu du groupe' });
    await place.pressSequentially('69100', { delay: 30 });
    const suggestion = lucas.getByRole('option', { name: /Villeurbanne \(69\)/ });
    await expect.poll(() => suggestion.count()).toBe(1);
    await shot(lucas, 'group-new-suggestions');
    await place.press('ArrowDown');
    expect(await place.getAttribute('aria-activedescendant')).toBeTruthy();
    await place.press('Enter');
    expect(await place.inputValue()).toBe('Villeurbanne (69)');
    expect(await lucas.locator('input[name=territoryRef]').inputValue()).toMatch(/^commune:69266$/);
    await lucas.getByRole('button', { name: 'Créer le groupe' }).click();

    await expect.poll(() => lucas.locator('h1').innerText()).toBe(publicGroup.name);
    publicGroup.slug = new URL(lucas.url()).pathname.split('/')[2]!;
    const header = await lucas.locator('header.group-head').innerText();
    expect(header).toContain('Villeurbanne (69)');
    expect(header).toContain('1 membre');
    expect(header).toContain('Public');
    expect(await lucas.getByText('Votre groupe est créé').count()).toBe(1);
    await postOnWall(lucas, publicGroup.slug, 'Porte-à-porte samedi au Gratte-Ciel, rendez-vous à 10 h.');
    await lucas.goto(`/groups/${publicGroup.slug}`, { waitUntil: 'networkidle' });
    await shot(lucas, 'group-organizer');
  });

  it('finds the group from "near me", the field starting from the member\'s own postal code', async () => {
    const julien = await member('julien_m'); // Grenoble, 38000
    await julien.goto('/groups', { waitUntil: 'networkidle' });
    expect(await julien.getByLabel('Code postal ou commune').inputValue()).toBe('38000');
    await shot(julien, 'groups-directory');
    await julien.getByLabel('Code postal ou commune').fill('69003');
    await julien.getByRole('button', { name: 'Voir les groupes proches' }).click();
    await expect.poll(() => julien.locator('#results-title').innerText()).toContain('Lyon (69)');
    const card = julien.locator('article.group-card', { hasText: publicGroup.name });
    expect(await card.innerText()).toContain('Villeurbanne (69)');
    expect(await card.innerText()).toContain('Public');
    await shot(julien, 'groups-near-me');

    // Limoges has no group yet (the demo network has none in the Haute-Vienne or for its region): the empty state says what to do.
    await julien.getByLabel('Code postal ou commune').fill('87000');
    await julien.getByRole('button', { name: 'Voir les groupes proches' }).click();
    await expect.poll(() => julien.getByText('Aucun groupe ne correspond à cette recherche.').count()).toBe(1);

    // The same group by name and by place, from the search form.
    await julien.goto(`/groups?q=${encodeURIComponent('gratte')}`, { waitUntil: 'networkidle' });
    expect(await julien.locator('article.group-card', { hasText: publicGroup.name }).count()).toBe(1);
    await julien.goto(`/groups?territory=${encodeURIComponent('Rhône')}`, { waitUntil: 'networkidle' });
    expect(await julien.locator('article.group-card', { hasText: publicGroup.name }).count()).toBe(1);

    // Joining a public group is one click.
    await julien.getByRole('link', { name: publicGroup.name }).click();
    await expect.poll(() => new URL(julien.url()).pathname).toBe(`/groups/${publicGroup.slug}`);
    await julien.waitForLoadState('networkidle');
    await julien.getByRole('button', { name: 'Rejoindre le groupe' }).click();
    await expect.poll(() => julien.getByText('Bienvenue dans le groupe !').count()).toBe(1);
    expect(await julien.locator('header.group-head').innerText()).toContain('2 membres');
  });

  it('asks to join a private group; the organizer approves; the requester reads the wall', async () => {
    // A commune name with homonyms: the form asks which one was meant.
    await lucas.goto('/groups/new', { waitUntil: 'networkidle' });
    await lucas.getByLabel('Nom du groupe').fill(privateGroup.name);
    await lucas.getByLabel('Description').fill('Tractage devant les gares du 93, chaque semaine.');
    await lucas.getByRole('combobox', { name: 'Lieu du groupe' }).fill('Saint-Denis');
    await lucas.getByLabel('Privé', { exact: true }).check();
    await lucas.getByRole('button', { name: 'Créer le groupe' }).click();
    await expect.poll(() => lucas.getByText('Plusieurs lieux correspondent').count()).toBe(1);
    expect(await lucas.getByLabel('Nom du groupe').inputValue()).toBe(privateGroup.name);
    await shot(lucas, 'group-new-ambiguous');
    await lucas.getByLabel(/Saint-Denis \(93\)/).check();
    await lucas.getByRole('button', { name: 'Créer le groupe' }).click();
    await expect.poll(() => lucas.locator('h1').innerText()).toBe(privateGroup.name);
    privateGroup.slug = new URL(lucas.url()).pathname.split('/')[2]!;
    expect(await lucas.locator('header.group-head').innerText()).toContain('Saint-Denis (93)');
    const secretText = 'Rendez-vous gare de Saint-Denis à 7 h, chasubles fournies.';
    await postOnWall(lucas, privateGroup.slug, secretText);

    const claire = await member('claire_f');
    await claire.goto(`/groups/${privateGroup.slug}`, { waitUntil: 'networkidle' });
    expect(await claire.locator('main').innerText()).toContain('Tractage devant les gares');
    expect(await claire.content()).not.toContain('chasubles');
    await shot(claire, 'group-private-non-member');
    await claire.getByRole('button', { name: 'Demander à rejoindre' }).click();
    await expect.poll(() => claire.getByText('Votre demande est envoyée').count()).toBe(1);
    expect(await claire.getByRole('button', { name: 'Annuler ma demande' }).count()).toBe(1);
    expect(await claire.content()).not.toContain('chasubles');

    await lucas.goto(`/groups/${privateGroup.slug}/members`, { waitUntil: 'networkidle' });
    const pending = lucas.locator('section', { has: lucas.getByRole('heading', { name: 'Demandes en attente' }) });
    expect(await pending.innerText()).toContain('Claire Fontaine');
    await shot(lucas, 'group-members-pending');
    await pending.getByRole('button', { name: 'Accepter' }).click();
    await expect.poll(() => lucas.getByText('@claire_f a rejoint le groupe.').count()).toBe(1);
    expect(await lucas.getByText('Aucune demande en attente.').count()).toBe(1);

    await claire.reload({ waitUntil: 'networkidle' });
    await expect.poll(() => claire.locator('main').innerText()).toContain(secretText);
    expect(await claire.locator('summary', { hasText: 'Quitter le groupe' }).count()).toBe(1);
    expect(await claire.locator('nav.group-tabs').innerText()).toContain('Membres');
    await shot(claire, 'group-private-member');
  });

  it('shows a logged-out visitor a public group and its wall, but only the description of a private one', async () => {
    const visitor = await open();
    await visitor.goto(`/groups/${publicGroup.slug}`, { waitUntil: 'networkidle' });
    const publicPage = await visitor.locator('main').innerText();
    expect(publicPage).toContain(publicGroup.name);
    expect(publicPage).toContain('Porte-à-porte samedi au Gratte-Ciel');
    expect(await visitor.getByRole('link', { name: 'Rejoindre le groupe' }).getAttribute('href')).toBe(`/login?redirectTo=${encodeURIComponent(`/groups/${publicGroup.slug}`)}`);
    await shot(visitor, 'group-public-visitor');

    await visitor.goto(`/groups/${privateGroup.slug}`, { waitUntil: 'networkidle' });
    const privatePage = await visitor.locator('main').innerText();
    expect(privatePage).toContain(privateGroup.name);
    expect(privatePage).toContain('Tractage devant les gares');
    expect(privatePage).toContain('Demander à rejoindre');
    expect(await visitor.content()).not.toContain('chasubles');
    await shot(visitor, 'group-private-visitor');
    // No roster for a visitor of a private group, by its URL either.
    expect(await visitor.locator('nav.group-tabs').innerText()).not.toContain('Membres');
    const roster = await visitor.goto(`/groups/${privateGroup.slug}/members`, { waitUntil: 'networkidle' });
    expect(new URL(visitor.url()).pathname === '/login' || roster?.status() === 404 || roster?.status() === 403).toBe(true);
    expect(await visitor.content()).not.toContain('Claire Fontaine');
  });

  it('answers a secret group\'s URL with a 404 to a non-member and to a visitor; the invited member gets in', async () => {
    await lucas.goto('/groups/new', { waitUntil: 'networkidle' });
    await lucas.getByLabel('Nom du groupe').fill(secretGroup.name);
    await lucas.getByLabel('Secret', { exact: true }).check();
    await lucas.getByRole('button', { name: 'Créer le groupe' }).click();
    await expect.poll(() => lucas.locator('h1').innerText()).toBe(secretGroup.name);
    secretGroup.slug = new URL(lucas.url()).pathname.split('/')[2]!;

    const ines = await member('ines_n');
    const asMember = await ines.goto(`/groups/${secretGroup.slug}`, { waitUntil: 'networkidle' });
    expect(asMember?.status()).toBe(404);
    expect(await ines.content()).not.toContain(secretGroup.name);
    await shot(ines, 'group-secret-404');
    await ines.goto('/groups', { waitUntil: 'networkidle' });
    expect(await ines.content()).not.toContain(secretGroup.name);
    const visitor = await open();
    expect((await visitor.goto(`/groups/${secretGroup.slug}`, { waitUntil: 'networkidle' }))?.status()).toBe(404);

    // Invited by handle, she sees it, accepts from its header, and is in.
    await lucas.goto(`/groups/${secretGroup.slug}/members`, { waitUntil: 'networkidle' });
    await lucas.getByLabel('Identifiant ou adresse e-mail').fill('@ines_n');
    await lucas.getByRole('button', { name: 'Inviter', exact: true }).click();
    await expect.poll(() => lucas.getByText('@ines_n est invité·e').count()).toBe(1);
    expect(await lucas.locator('section', { hasText: 'Invitations envoyées' }).innerText()).toContain('Inès Nguyen');
    await ines.goto(`/groups/${secretGroup.slug}`, { waitUntil: 'networkidle' });
    expect(await ines.getByText('Vous êtes invité·e à rejoindre ce groupe.').count()).toBe(1);
    await ines.getByRole('button', { name: 'Accepter l’invitation' }).click();
    await expect.poll(() => ines.getByText('Invitation acceptée').count()).toBe(1);
    expect(await ines.locator('header.group-head').innerText()).toContain('2 membres');
  });

  it('manages members: role, removal and ban each ask first, and the last organizer cannot leave', async () => {
    await lucas.goto(`/groups/${publicGroup.slug}/members`, { waitUntil: 'networkidle' });
    const julienRow = lucas.locator('li.member-row', { hasText: 'Julien Mercier' });
    await julienRow.getByLabel('Rôle de Julien Mercier').selectOption('moderator');
    await julienRow.getByRole('button', { name: 'Changer' }).click();
    await expect.poll(() => lucas.getByText('Le rôle de @julien_m est changé.').count()).toBe(1);
    expect(await lucas.locator('li.member-row', { hasText: 'Julien Mercier' }).innerText()).toContain('Modérateur·rice');

    // The ban button opens a confirmation first: nothing happens until it is confirmed.
    const row = lucas.locator('li.member-row', { hasText: 'Julien Mercier' });
    await row.getByText('Exclure', { exact: true }).click();
    const confirm = row.getByRole('button', { name: 'Oui, exclure' });
    expect(await confirm.isVisible()).toBe(true);
    await shot(lucas, 'group-members-confirm-ban');
    await confirm.click();
    await expect.poll(() => lucas.getByText('@julien_m est exclu·e du groupe.').count()).toBe(1);
    const banned = lucas.locator('section', { has: lucas.getByRole('heading', { name: 'Personnes exclues' }) });
    expect(await banned.innerText()).toContain('Julien Mercier');
    await banned.getByRole('button', { name: 'Lever l’exclusion' }).click();
    await expect.poll(() => lucas.getByText('L’exclusion de @julien_m est levée.').count()).toBe(1);

    // Lucas is the only organizer: leaving is refused, with the reason.
    await lucas.goto(`/groups/${publicGroup.slug}`, { waitUntil: 'networkidle' });
    await lucas.getByText('Quitter le groupe', { exact: true }).click();
    await lucas.getByRole('button', { name: 'Oui, quitter le groupe' }).click();
    await expect.poll(() => lucas.getByText('Le groupe doit garder au moins un·e organisateur·rice').count()).toBe(1);
  });

  it('edits the group\'s settings: name, place and visibility', async () => {
    await lucas.goto(`/groups/${publicGroup.slug}/settings`, { waitUntil: 'networkidle' });
    expect(await lucas.getByRole('combobox', { name: 'Lieu du groupe' }).inputValue()).toBe('Villeurbanne (69)');
    await shot(lucas, 'group-settings');
    await lucas.getByLabel('Nom du groupe').fill(`${publicGroup.name} et Cusset`);
    await lucas.getByRole('combobox', { name: 'Lieu du groupe' }).fill('Rhône');
    await lucas.getByLabel('Privé', { exact: true }).check();
    await lucas.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => lucas.getByText('Les paramètres du groupe sont enregistrés.').count()).toBe(1);
    const header = await lucas.locator('header.group-head').innerText();
    expect(header).toContain(`${publicGroup.name} et Cusset`);
    expect(header).toContain('Rhône (département 69)');
    expect(header).toContain('Privé');
  });

  it('works without JavaScript: the place typed is resolved on the server, and joining is a plain form', async () => {
    const plain = await open({ javaScript: false });
    await logIn(plain, 'pierre_d@demo.caucus.test');
    await plain.goto('/groups/new', { waitUntil: 'networkidle' });
    await plain.getByLabel('Nom du groupe').fill('Clermont solidaire');
    await plain.getByLabel('Lieu du groupe').fill('63000');
    await plain.getByRole('button', { name: 'Créer le groupe' }).click();
    await expect.poll(() => plain.locator('h1').innerText()).toBe('Clermont solidaire');
    expect(await plain.locator('header.group-head').innerText()).toContain('Clermont-Ferrand (63)');

    await plain.goto(`/groups/${privateGroup.slug}`, { waitUntil: 'networkidle' });
    await plain.getByRole('button', { name: 'Demander à rejoindre' }).click();
    await expect.poll(() => plain.getByText('Votre demande est envoyée').count()).toBe(1);
    await plain.getByRole('button', { name: 'Annuler ma demande' }).click();
    await expect.poll(() => plain.getByText('Votre demande est annulée.').count()).toBe(1);
  });

  it('invites by e-mail someone without an account, who signs up and is brought back to accept', async () => {
    await lucas.goto(`/groups/${privateGroup.slug}/members`, { waitUntil: 'networkidle' });
    const email = 'nour.benali@example.org';
    await lucas.getByLabel('Identifiant ou adresse e-mail').fill(email);
    await lucas.getByRole('button', { name: 'Inviter', exact: true }).click();
    await expect.poll(() => lucas.getByText(`Invitation envoyée à ${email}`).count()).toBe(1);

    const owner = await member('camille');
    const invitation = await linkFromOutbox(owner, email, '/invitations/');
    const newcomer = await open();
    await newcomer.goto(invitation, { waitUntil: 'networkidle' });
    expect(await newcomer.locator('main').innerText()).toContain(privateGroup.name);
    await shot(newcomer, 'invitation-visitor');
    await newcomer.getByRole('link', { name: 'Créer mon compte' }).click();
    await expect.poll(() => new URL(newcomer.url()).pathname).toBe('/signup');
    await newcomer.waitForLoadState('networkidle');
    await newcomer.locator('input[name=displayName]').fill('Nour Benali');
    await newcomer.locator('input[name=email]').fill(email);
    await newcomer.locator('input[name=password]').fill(PASSWORD);
    await newcomer.locator('input[name=acceptPrivacyPolicy]').check();
    await newcomer.getByRole('button', { name: 'Créer mon compte' }).click();
    await expect.poll(() => newcomer.getByText('Vérifiez votre boîte e-mail').count()).toBeGreaterThan(0);

    await newcomer.goto(await linkFromOutbox(owner, email, '/verify-email?token='), { waitUntil: 'networkidle' });
    await newcomer.getByRole('button', { name: 'Confirmer mon adresse' }).click();
    await expect.poll(() => newcomer.getByText('Votre adresse est confirmée').count()).toBeGreaterThan(0);
    await newcomer.getByRole('link', { name: 'Se connecter' }).last().click();
    await expect.poll(() => new URL(newcomer.url()).pathname).toBe('/login');
    await newcomer.waitForLoadState('networkidle');
    await newcomer.getByLabel('Adresse e-mail').fill(email);
    await newcomer.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await newcomer.getByRole('button', { name: 'Se connecter' }).click();
    // The handle first, then on to the invitation.
    await expect.poll(() => new URL(newcomer.url()).pathname).toBe('/welcome/handle');
    await newcomer.waitForLoadState('networkidle');
    await newcomer.getByLabel('Identifiant', { exact: true }).fill('nour_b');
    await newcomer.getByRole('button', { name: 'Choisir cet identifiant' }).click();
    await expect.poll(() => new URL(newcomer.url()).pathname).toBe(new URL(invitation, caucus.url).pathname);
    await newcomer.waitForLoadState('networkidle');
    await shot(newcomer, 'invitation-member');
    await newcomer.getByRole('button', { name: 'Accepter l’invitation' }).click();
    await expect.poll(() => newcomer.getByText('Invitation acceptée').count()).toBe(1);
    expect(await newcomer.locator('main').innerText()).toContain('chasubles');

    // The link works once.
    await newcomer.goto(invitation, { waitUntil: 'networkidle' });
    expect(await newcomer.getByText('Cette invitation n’est plus valable.').count()).toBe(1);
  });

  it('lets admins keep group creation to themselves', async () => {
    const owner = await member('camille');
    await owner.goto('/admin/groups', { waitUntil: 'networkidle' });
    await owner.getByLabel('Les administrateur·rices seulement').check();
    await owner.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => owner.getByText('Le réglage a été enregistré.').count()).toBe(1);
    await shot(owner, 'admin-groups');

    await lucas.goto('/groups', { waitUntil: 'networkidle' });
    expect(await lucas.getByRole('link', { name: 'Créer un groupe' }).count()).toBe(0);
    await lucas.goto('/groups/new', { waitUntil: 'networkidle' });
    expect(await lucas.getByText('seule l’équipe de la campagne crée les groupes').count()).toBe(1);
    expect(await lucas.getByRole('button', { name: 'Créer le groupe' }).count()).toBe(0);

    await owner.getByLabel('Tous les membres').check();
    await owner.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => lucas.goto('/groups', { waitUntil: 'networkidle' }).then(() => lucas.getByRole('link', { name: 'Créer un groupe' }).count())).toBeGreaterThan(0);
  });

  it('pages through the directory with a "more" link, each group once', async () => {
    const karim = await member('karim_b');
    const names = Array.from({ length: 23 }, (_, i) => `Quartier Zéphyr ${String(i + 1).padStart(2, '0')}`);
    for (const name of names) {
      const response = await karim.request.post('/api/v1/groups', { data: { name, visibility: 'public' }, headers: { origin: caucus.url } });
      expect(response.status()).toBe(201);
    }
    await karim.goto(`/groups?q=${encodeURIComponent('Zéphyr')}`, { waitUntil: 'networkidle' });
    const cards = karim.locator('section[aria-labelledby=results-title] article.group-card h3');
    const first = await cards.allInnerTexts();
    expect(first).toHaveLength(20);
    await karim.getByRole('link', { name: 'Plus de groupes →' }).click();
    await expect.poll(() => new URL(karim.url()).searchParams.get('q')).toBe('Zéphyr');
    await expect.poll(() => cards.count()).toBe(3);
    const second = await cards.allInnerTexts();
    expect(new Set([...first, ...second])).toEqual(new Set(names));
    expect(await karim.getByRole('link', { name: '← Première page' }).count()).toBe(1);
    expect(await karim.getByRole('link', { name: 'Plus de groupes →' }).count()).toBe(0);
  });

  it('made no request to any other origin', () => {
    expect(caucus.foreignRequests).toEqual([]);
  });
});
