import { sql } from 'kysely';
import type { Db } from '#core/db.ts';
import { newId } from '#core/ids.ts';

// Scale data for benchmarks: groups, memberships, follows, posts, comments and reactions, written
// with one INSERT … SELECT FROM unnest(…) per batch (a few seconds for half a million posts).

const SENTENCES = [
  'Porte-à-porte samedi matin au marché, rendez-vous à 9 h devant la mairie.',
  'Merci à toutes celles et ceux venus à la réunion publique hier soir : salle comble !',
  'Le compte rendu du conseil municipal est en ligne, on en parle jeudi.',
  'Qui peut tenir le stand dimanche de 10 h à 12 h ? Il manque deux personnes.',
  'Nouvelle distribution de tracts devant la gare, on a besoin de bras.',
  'Belle discussion sur les transports en commun : les propositions sont dans le document partagé.',
  'Pensez à inviter vos voisins à la soirée débat de vendredi.',
  'Les inscriptions sur les listes électorales ferment bientôt, relayez !',
];
const TAGS = ['mobilisation', 'logement', 'transports', 'ecole', 'ecologie', 'sante', 'porteaporte', 'municipales'];
const REACTIONS = ['like', 'love', 'applause', 'solidarity', 'thinking'] as const;

export interface ScaleWallsOptions {
  groups: number;
  posts: number;
  /** Follows per member; the first member (the benchmark's reader) follows 50. */
  followsPerMember?: number;
  /** Groups per member; the first group also gets the first 1,200 members (the fan-out benchmark). */
  groupsPerMember?: number;
}

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

/** A deterministic pseudo-random sequence, so two runs make the same shape of data. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function postText(i: number): { body: string; html: string; tag: string } {
  const tag = pick(TAGS, i * 7);
  const sentence = pick(SENTENCES, i);
  return { body: `${sentence} #${tag}`, html: `<p>${sentence} <a href="/hashtags/${tag}" class="hashtag">#${tag}</a></p>`, tag };
}

async function scaleMembers(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('members').select('id').where('email', 'like', '%@scale.caucus.test').orderBy('email').execute();
  return rows.map((row) => row.id);
}

export async function seedScaleGroups(db: Db, options: ScaleWallsOptions, places: Array<{ kind: 'commune'; code: string; name: string; department: string; region: string }>): Promise<void> {
  const members = await scaleMembers(db);
  if (members.length === 0) throw new Error('Add scale members first (seed --scale N).');
  const random = generator(42);
  const runTag = Date.now().toString(36);
  const groupIds = Array.from({ length: options.groups }, () => newId());
  await db.insertInto('groups').values(groupIds.map((id, i) => {
    const place = places.length > 0 ? pick(places, i) : null;
    const name = place ? `${place.name} en commun ${Math.floor(i / Math.max(1, places.length)) + 1}` : `Groupe local ${i + 1}`;
    return {
      id,
      slug: `groupe-${i + 1}-${runTag}`,
      name,
      description: `Le groupe local ${name}. Réunions chaque semaine.`,
      description_html: `<p>Le groupe local ${name}. Réunions chaque semaine.</p>`,
      visibility: i % 10 === 9 ? 'secret' : i % 3 === 2 ? 'private' : 'public',
      ...(place ? { territory_kind: 'commune', territory_code: place.code, territory_name: place.name, department_code: place.department, region_code: place.region } : {}),
    };
  })).execute();

  const perMember = options.groupsPerMember ?? 5;
  const memberships = new Map<string, { group: string; member: string; role: 'organizer' | 'member' }>();
  members.forEach((member, m) => {
    const chosen = new Set<string>();
    while (chosen.size < Math.min(perMember, groupIds.length)) chosen.add(groupIds[Math.floor(random() * groupIds.length)]!);
    for (const group of chosen) memberships.set(`${group}:${member}`, { group, member, role: 'member' });
    // The benchmark's reader (the first member) stays in exactly `perMember` groups.
    if (m > 0 && m <= 1200) memberships.set(`${groupIds[0]}:${member}`, { group: groupIds[0]!, member, role: 'member' });
  });
  // Every group keeps an organizer: its first member.
  const organized = new Set<string>();
  for (const row of memberships.values()) if (!organized.has(row.group)) { organized.add(row.group); row.role = 'organizer'; }
  const rows = [...memberships.values()];
  for (let offset = 0; offset < rows.length; offset += 20_000) {
    const batch = rows.slice(offset, offset + 20_000);
    await sql`INSERT INTO group_members (group_id, member_id, state, role)
      SELECT g, m, 'active', r FROM unnest(${batch.map((b) => b.group)}::uuid[], ${batch.map((b) => b.member)}::uuid[], ${batch.map((b) => b.role)}::text[]) AS t(g, m, r)`.execute(db);
  }

  const followRows: Array<[string, string]> = [];
  members.forEach((member, m) => {
    const wanted = m === 0 ? 50 : (options.followsPerMember ?? 10);
    const chosen = new Set<string>();
    while (chosen.size < Math.min(wanted, members.length - 1)) {
      const other = members[Math.floor(random() * members.length)]!;
      if (other !== member) chosen.add(other);
    }
    for (const other of chosen) followRows.push([member, other]);
  });
  for (let offset = 0; offset < followRows.length; offset += 20_000) {
    const batch = followRows.slice(offset, offset + 20_000);
    await sql`INSERT INTO follows (follower_id, followee_id) SELECT * FROM unnest(${batch.map((b) => b[0])}::uuid[], ${batch.map((b) => b[1])}::uuid[]) ON CONFLICT DO NOTHING`.execute(db);
  }
  await sql`UPDATE groups g SET member_count = c.n FROM (SELECT group_id, count(*)::int AS n FROM group_members WHERE state = 'active' GROUP BY group_id) c WHERE c.group_id = g.id`.execute(db);
}

/** Adds `count` posts (with hashtags, some comments and reactions) spread over the past year on the scale groups, profiles and the network wall. */
export async function seedScalePosts(db: Db, count: number): Promise<void> {
  const memberships = await db.selectFrom('group_members as gm').innerJoin('members as m', 'm.id', 'gm.member_id')
    .select(['gm.group_id', 'gm.member_id']).where('gm.state', '=', 'active').where('m.email', 'like', '%@scale.caucus.test').execute();
  const members = await scaleMembers(db);
  const admin = await db.selectFrom('members').select('id').where('role', 'in', ['owner', 'admin']).orderBy('created_at').executeTakeFirst();
  if (memberships.length === 0) throw new Error('Add scale groups first (seed --scale N --groups G).');
  const random = generator(count);
  const now = Date.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  const batchSize = 10_000;
  for (let offset = 0; offset < count; offset += batchSize) {
    const size = Math.min(batchSize, count - offset);
    const ids: string[] = [], authors: string[] = [], walls: string[] = [], groups: Array<string | null> = [], profiles: Array<string | null> = [];
    const bodies: string[] = [], htmls: string[] = [], times: string[] = [], tags: string[] = [];
    for (let k = 0; k < size; k++) {
      const i = offset + k;
      const roll = random();
      const text = postText(i);
      ids.push(newId());
      if (roll < 0.01 && admin) {
        authors.push(admin.id); walls.push('network'); groups.push(null); profiles.push(null);
      } else if (roll < 0.15) {
        const member = members[Math.floor(random() * members.length)]!;
        authors.push(member); walls.push('profile'); groups.push(null); profiles.push(member);
      } else {
        const row = memberships[Math.floor(random() * memberships.length)]!;
        authors.push(row.member_id); walls.push('group'); groups.push(row.group_id); profiles.push(null);
      }
      bodies.push(text.body); htmls.push(text.html); tags.push(text.tag);
      times.push(new Date(now - random() * yearMs).toISOString());
    }
    await sql`INSERT INTO posts (id, author_id, wall, group_id, profile_id, body, body_html, created_at)
      SELECT * FROM unnest(${ids}::uuid[], ${authors}::uuid[], ${walls}::text[], ${groups}::uuid[], ${profiles}::uuid[], ${bodies}::text[], ${htmls}::text[], ${times}::timestamptz[])`.execute(db);
    await sql`INSERT INTO post_hashtags (tag, post_id, created_at) SELECT * FROM unnest(${tags}::text[], ${ids}::uuid[], ${times}::timestamptz[])`.execute(db);
    // About one post in five has reactions, one in ten a comment.
    const reacted = ids.filter((_, k) => k % 5 === 0);
    const reactors = reacted.map(() => members[Math.floor(random() * members.length)]!);
    await sql`INSERT INTO reactions (post_id, member_id, kind) SELECT * FROM unnest(${reacted}::uuid[], ${reactors}::uuid[], ${reacted.map((_, k) => REACTIONS[k % REACTIONS.length]!)}::text[]) ON CONFLICT DO NOTHING`.execute(db);
    const commented = ids.filter((_, k) => k % 10 === 3);
    await sql`INSERT INTO comments (id, post_id, author_id, body, body_html, created_at)
      SELECT * FROM unnest(${commented.map(() => newId())}::uuid[], ${commented}::uuid[], ${commented.map(() => members[Math.floor(random() * members.length)]!)}::uuid[],
        ${commented.map(() => 'Je serai là !')}::text[], ${commented.map(() => '<p>Je serai là !</p>')}::text[], ${commented.map((_, k) => times[k * 10 + 3]!)}::timestamptz[])`.execute(db);
  }
  await sql`UPDATE posts p SET reaction_count = r.n FROM (SELECT post_id, count(*)::int AS n FROM reactions GROUP BY post_id) r WHERE r.post_id = p.id AND p.reaction_count <> r.n`.execute(db);
  await sql`UPDATE posts p SET comment_count = c.n FROM (SELECT post_id, count(*)::int AS n FROM comments WHERE deleted_at IS NULL GROUP BY post_id) c WHERE c.post_id = p.id AND p.comment_count <> c.n`.execute(db);
  await sql`UPDATE groups g SET post_count = c.n, last_activity_at = c.last FROM (SELECT group_id, count(*)::int AS n, max(created_at) AS last FROM posts WHERE group_id IS NOT NULL AND deleted_at IS NULL GROUP BY group_id) c WHERE c.group_id = g.id`.execute(db);
  // A network that has been running has its visibility map set (autovacuum): index-only scans count on it.
  await sql`VACUUM ANALYZE posts`.execute(db);
  await sql`ANALYZE`.execute(db);
}
