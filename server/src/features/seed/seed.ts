import type { Config } from '#core/config.ts';
import { sql } from 'kysely';
import type { Db, DbHandle, DbOrTx } from '#core/db.ts';
import type { FastifyInstance } from 'fastify';
import { seedDemoWalls } from './demo-walls.ts';
import { newId } from '#core/ids.ts';
import { createMailer } from '#core/mail.ts';
import { hashPassword } from '#core/password.ts';
import { completeSetup, updateSettings } from '#core/settings.ts';
import { renderMarkdown } from '#core/markdown.ts';
import { createAccountsService } from '#features/accounts/service.ts';
import { PRIVACY_POLICY_VERSION } from '@caucus/shared/constants.ts';
import pino from 'pino';
import { FIRST_NAMES, LAST_NAMES, PLACES } from './names.ts';
import { scalePlaces } from './places.ts';
import { seedScaleGroups, seedScalePosts } from './scale-walls.ts';

export const DEMO_PASSWORD = 'Demo-Caucus-2027!';

const DEMO_MEMBERS = [
  { handle: 'camille', displayName: 'Camille Martin', role: 'owner', place: 0, bio: "Coordinatrice de la campagne. **Écrivez-moi** pour rejoindre l'équipe." },
  { handle: 'karim_b', displayName: 'Karim Benali', role: 'admin', place: 1, bio: 'Responsable du réseau des groupes locaux.' },
  { handle: 'sophie_l', displayName: 'Sophie Laurent', role: 'moderator', place: 3, bio: 'Modératrice des débats. Bienveillance et arguments.' },
  { handle: 'lucas_m', displayName: 'Lucas Moreau', role: 'member', place: 5, bio: 'Militant à Toulouse, porte-à-porte le samedi.' },
  { handle: 'amina_d', displayName: 'Amina Diallo', role: 'member', place: 13, bio: 'Associative à Saint-Denis. Logement, école, transports.' },
  { handle: 'thomas_g', displayName: 'Thomas Girard', role: 'member', place: 6, bio: 'Nantais, cycliste, tracteur de tracts.' },
  { handle: 'claire_f', displayName: 'Claire Fontaine', role: 'member', place: 7, bio: 'Étudiante à Rennes 2.' },
  { handle: 'youssef_h', displayName: 'Youssef Haddad', role: 'member', place: 2, bio: 'Marseille, quartiers nord. On ne lâche rien.' },
  { handle: 'margaux_r', displayName: 'Margaux Robin', role: 'member', place: 8, bio: 'Strasbourgeoise, européenne convaincue.' },
  { handle: 'pierre_d', displayName: 'Pierre Dupont', role: 'member', place: 12, bio: 'Retraité, ancien syndicaliste.' },
  { handle: 'ines_n', displayName: 'Inès Nguyen', role: 'member', place: 9, bio: 'Bordeaux. Écologie et justice sociale.' },
  { handle: 'julien_m', displayName: 'Julien Mercier', role: 'member', place: 11, bio: 'Grenoble, prof de physique.' },
] as const;

/** The seeds' accounts share a published password: they may only ever exist on a network made by a seed. */
const SEED_DOMAINS = ['demo.caucus.test', 'scale.caucus.test'];

/** A seed that would put accounts with a published password on a real network. */
export class SeedRefused extends Error {}

/**
 * Refuses when the network holds anyone a seed did not create. Run inside the seed's transaction,
 * with the members table locked against a sign-up slipping in between the check and the inserts.
 */
async function assertOnlySeedMembers(tx: DbOrTx, command: string): Promise<{ members: number }> {
  await sql`LOCK TABLE members IN SHARE ROW EXCLUSIVE MODE`.execute(tx);
  const row = await tx
    .selectFrom('members')
    .select((eb) => [
      eb.fn.countAll<number>().as('members'),
      sql<number>`count(*) FILTER (WHERE split_part(email, '@', 2) NOT IN (${sql.join(SEED_DOMAINS)}))`.as('real'),
    ])
    .executeTakeFirstOrThrow();
  if (Number(row.real) > 0) {
    throw new SeedRefused(
      `${command} refused: this network already has members of its own (${row.real}). Its accounts share a password printed in the README, ` +
        'so they may only exist on a network made for trying Caucus out. Run it on an empty database (a new DATA_DIR, or a new PostgreSQL database).',
    );
  }
  return { members: Number(row.members) };
}

/**
 * `caucus seed --demo`: a small, living French network, on an empty network only (its staff
 * accounts have a published password). On a network it made itself, it adds nothing. The walls
 * are written through the API of an app on this database, which the caller builds (`openApp`,
 * the CLI's buildApp): a feature does not import app.ts.
 */
export async function seedDemo(handle: DbHandle, config: Config, openApp: () => Promise<FastifyInstance>): Promise<string> {
  const { db } = handle;
  const accounts = createAccountsService({ db, mailer: createMailer(config, db, pino({ level: 'warn' })), config });
  let created = 0;
  const already = await db.transaction().execute(async (tx) => {
    const { members } = await assertOnlySeedMembers(tx, 'seed --demo');
    if (members > 0) return true;
    if (await completeSetup(tx)) await updateSettings(tx, { name: 'Élan commun', tagline: 'Le réseau des militantes et militants, de la commune au pays.' });
    for (const m of DEMO_MEMBERS) {
      const [commune, postalCode] = PLACES[m.place]!;
      await accounts.createAccount(tx, {
        email: `${m.handle}@demo.caucus.test`,
        password: DEMO_PASSWORD,
        displayName: m.displayName,
        handle: m.handle,
        role: m.role,
        verified: true,
        bio: m.bio,
        commune,
        postalCode,
        listedInDirectory: true,
        profileVisibility: m.role === 'member' ? 'members' : 'public',
      });
      created++;
    }
    return false;
  });
  if (already) return 'This network already holds the demo members: nothing added.';
  const app = await openApp();
  let walls: string;
  try {
    await app.ready();
    walls = await seedDemoWalls(app);
  } finally {
    await app.close();
  }
  return `Demo network ready: ${created} members added; ${walls} Log in as camille@demo.caucus.test (or any handle@demo.caucus.test) with the password ${DEMO_PASSWORD}`;
}

/** `caucus seed --scale N`: N verified members with profiles, then groups, follows and posts, for benchmarks. */
export async function seedScale(db: Db, count: number, walls: { groups: number; posts: number } = { groups: 0, posts: 0 }): Promise<string> {
  const started = Date.now();
  await db.transaction().execute((tx) => assertOnlySeedMembers(tx, 'seed --scale'));
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const runTag = Date.now().toString(36);
  const batchSize = 1000;
  for (let offset = 0; offset < count; offset += batchSize) {
    const size = Math.min(batchSize, count - offset);
    const members = Array.from({ length: size }, (_, k) => {
      const i = offset + k;
      const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
      const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]!;
      const [commune, postalCode] = PLACES[i % PLACES.length]!;
      const bio = `Militant·e à ${commune}. Membre n° ${i + 1}.`;
      return {
        id: newId(),
        email: `m${i}.${runTag}@scale.caucus.test`,
        email_verified_at: new Date(),
        password_hash: passwordHash,
        handle: `m${i}_${runTag}`,
        display_name: `${first} ${last}`,
        bio,
        bio_html: renderMarkdown(bio),
        commune,
        postal_code: postalCode,
        listed_in_directory: i % 10 < 7,
        profile_visibility: (i % 4 === 0 ? 'public' : 'members') as 'public' | 'members',
      };
    });
    await db.transaction().execute(async (tx) => {
      await tx.insertInto('members').values(members).execute();
      await tx.insertInto('consents').values(members.map((m) => ({ id: newId(), member_id: m.id, purpose: 'privacy_policy', version: PRIVACY_POLICY_VERSION }))).execute();
    });
  }
  const membersDone = Date.now();
  if (walls.groups > 0) await seedScaleGroups(db, { groups: walls.groups, posts: walls.posts }, scalePlaces());
  if (walls.groups > 0 && walls.posts > 0) await seedScalePosts(db, walls.posts);
  return `Added ${count} members in ${((membersDone - started) / 1000).toFixed(1)} s (handles m<i>_${runTag}, password ${DEMO_PASSWORD})`
    + (walls.groups > 0 ? `, ${walls.groups} groups and ${walls.posts} posts in ${((Date.now() - membersDone) / 1000).toFixed(1)} s.` : '.');
}

/** `caucus seed --posts P`: more posts on the scale groups (the benchmark grows the network from 50,000 to 500,000 posts). */
export async function seedMorePosts(db: Db, count: number): Promise<string> {
  const started = Date.now();
  await seedScalePosts(db, count);
  return `Added ${count} posts in ${((Date.now() - started) / 1000).toFixed(1)} s.`;
}
