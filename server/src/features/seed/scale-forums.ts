import { sql } from 'kysely';
import type { Db } from '#core/db.ts';
import { newId } from '#core/ids.ts';
import { recountCategoryActivity } from '#features/forums/category-activity.ts';

// Scale forums for benchmarks: categories in the network's forum and every scale group's, threads
// spread over the past year, and their replies, numbered, written by set-based statements (the
// replies by generate_series in PostgreSQL, a batch of threads at a time). The largest group's
// first thread is long (10,000 replies, or a tenth of them all if fewer) for deep pages.

const TITLES = [
  'Quel programme pour le logement ?', 'Transports gratuits : pour ou contre ?', 'Organiser le porte-à-porte de samedi',
  'Cantines bio et locales', 'La place du vélo en ville', 'Santé : rouvrir les centres de proximité', 'Écoles : moins d’élèves par classe',
  'Préparer la réunion publique', 'Le budget participatif, comment ?', 'Énergie : rénover les logements sociaux',
];
const REPLIES = [
  'D’accord sur le principe, mais il faut chiffrer la mesure.', 'Je propose qu’on en parle à la prochaine réunion.', 'Chez nous, ça a très bien marché.',
  'Attention aux effets de bord pour les petites communes.', 'Je peux apporter des chiffres de l’Insee là-dessus.', 'Merci pour la synthèse, je m’y retrouve.',
  'Il manque la question du financement.', 'On pourrait commencer par une expérimentation dans un quartier.',
];
const LONG_THREAD_REPLIES = 10_000;

/** A deterministic pseudo-random sequence, so two runs make the same shape of data. */
function generator(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function seedScaleForums(db: Db, threads: number, replies: number): Promise<string> {
  const started = Date.now();
  const memberships = await db.selectFrom('group_members as gm').innerJoin('members as m', 'm.id', 'gm.member_id')
    .select(['gm.group_id', 'gm.member_id']).where('gm.state', '=', 'active').where('m.email', 'like', '%@scale.caucus.test').execute();
  if (memberships.length === 0) throw new Error('Add scale groups first (seed --scale N --groups G).');
  const members = [...new Set(memberships.map((row) => row.member_id))];
  const groups = [...new Set(memberships.map((row) => row.group_id))];
  const biggest = await db.selectFrom('groups').select('id').orderBy('member_count', 'desc').orderBy('id').executeTakeFirstOrThrow();

  // Categories: three in the network's forum, two in each group's.
  const categories: Array<{ id: string; groupId: string | null }> = [];
  const rows: Array<{ id: string; group_id: string | null; slug: string; name: string; position: number }> = [];
  const networkNames: Array<[string, string]> = [['programme', 'Programme'], ['questions', 'Questions au candidat'], ['entraide', 'Entraide militante']];
  const groupNames: Array<[string, string]> = [['debats', 'Débats'], ['organisation', 'Organisation']];
  for (const [position, [slug, name]] of networkNames.entries()) {
    const id = newId();
    rows.push({ id, group_id: null, slug: `${slug}-scale`, name, position });
    categories.push({ id, groupId: null });
  }
  for (const groupId of groups) {
    for (const [position, [slug, name]] of groupNames.entries()) {
      const id = newId();
      rows.push({ id, group_id: groupId, slug, name, position });
      categories.push({ id, groupId });
    }
  }
  for (let offset = 0; offset < rows.length; offset += 1000) {
    await db.insertInto('forum_categories').values(rows.slice(offset, offset + 1000)).onConflict((oc) => oc.doNothing()).execute();
  }
  const byGroup = new Map<string, string[]>();
  for (const row of memberships) byGroup.set(row.group_id, [...(byGroup.get(row.group_id) ?? []), row.member_id]);
  const groupCategories = categories.filter((c) => c.groupId !== null);
  const networkCategories = categories.filter((c) => c.groupId === null);
  const longCategory = groupCategories.find((c) => c.groupId === biggest.id) ?? groupCategories[0]!;

  // Threads: a fifth in the network's forum; each with its number of replies (a long tail).
  const random = generator(threads);
  const longReplies = Math.min(LONG_THREAD_REPLIES, Math.floor(replies / 10));
  let left = replies - longReplies;
  const now = Date.now();
  const yearMs = 365 * 24 * 3600 * 1000;
  const batchSize = 5000;
  for (let offset = 0; offset < threads; offset += batchSize) {
    const size = Math.min(batchSize, threads - offset);
    const ids: string[] = [], categoryIds: string[] = [], groupIds: Array<string | null> = [], authors: string[] = [], titles: string[] = [], counts: number[] = [], times: string[] = [];
    for (let k = 0; k < size; k++) {
      const i = offset + k;
      const long = i === 0;
      const category = long ? longCategory : random() < 0.2 ? networkCategories[i % networkCategories.length]! : groupCategories[Math.floor(random() * groupCategories.length)]!;
      const pool = category.groupId ? byGroup.get(category.groupId) ?? members : members;
      const remainingThreads = threads - i;
      // Replies per thread: the average of what is left, times an exponential draw.
      const share = long ? longReplies : i === threads - 1 ? left : Math.min(left, Math.round((left / remainingThreads) * -Math.log(1 - random() * 0.999)));
      if (!long) left -= share;
      ids.push(newId());
      categoryIds.push(category.id);
      groupIds.push(category.groupId);
      authors.push(pool[Math.floor(random() * pool.length)]!);
      titles.push(`${TITLES[i % TITLES.length]} (${i + 1})`);
      counts.push(1 + share);
      times.push(new Date(now - (long ? yearMs : random() * yearMs)).toISOString());
    }
    await sql`INSERT INTO forum_threads (id, category_id, group_id, author_id, title, post_count, created_at, last_post_at)
      SELECT id, category_id, group_id, author_id, title, post_count, created_at, created_at + (post_count * interval '7 minutes')
      FROM unnest(${ids}::uuid[], ${categoryIds}::uuid[], ${groupIds}::uuid[], ${authors}::uuid[], ${titles}::text[], ${counts}::int[], ${times}::timestamptz[])
        AS t(id, category_id, group_id, author_id, title, post_count, created_at)`.execute(db);
    // Every post of these threads, the opening one by the thread's author, the others by members of its forum.
    await sql`
      WITH authors AS (SELECT group_id, array_agg(member_id ORDER BY member_id) AS ids FROM group_members WHERE state = 'active' GROUP BY group_id),
      everyone AS (SELECT array_agg(id ORDER BY id) AS ids FROM members WHERE email LIKE '%@scale.caucus.test'),
      texts AS (SELECT ${REPLIES}::text[] AS words)
      INSERT INTO forum_posts (id, thread_id, position, author_id, body, body_html, created_at)
      SELECT gen_random_uuid(), t.id, pos,
        CASE WHEN pos = 1 THEN t.author_id ELSE pool.ids[1 + floor(random() * cardinality(pool.ids))::int] END,
        texts.words[1 + (pos % cardinality(texts.words))], '<p>' || texts.words[1 + (pos % cardinality(texts.words))] || '</p>',
        t.created_at + (pos * interval '7 minutes')
      FROM forum_threads t
      CROSS JOIN everyone CROSS JOIN texts
      LEFT JOIN authors a ON a.group_id = t.group_id
      CROSS JOIN LATERAL (SELECT coalesce(a.ids, everyone.ids) AS ids) pool
      CROSS JOIN LATERAL generate_series(1, t.post_count) AS pos
      WHERE t.id = ANY(${ids}::uuid[])`.execute(db);
  }
  await sql`UPDATE forum_threads t SET last_poster_id = p.author_id FROM forum_posts p WHERE p.thread_id = t.id AND p.position = t.post_count AND t.last_poster_id IS NULL`.execute(db);
  await recountCategoryActivity(db);
  // The benchmark's reader (the first scale member) has read about half of their groups' threads, part of the way.
  await sql`INSERT INTO forum_read_state (member_id, thread_id, last_read_position)
    SELECT m.id, t.id, greatest(1, t.post_count / 2) FROM members m
    JOIN group_members gm ON gm.member_id = m.id AND gm.state = 'active'
    JOIN forum_threads t ON t.group_id = gm.group_id AND (hashtext(t.id::text) % 2) = 0
    WHERE m.email LIKE 'm0.%@scale.caucus.test'
    ON CONFLICT DO NOTHING`.execute(db);
  await sql`VACUUM ANALYZE forum_threads`.execute(db);
  await sql`VACUUM ANALYZE forum_posts`.execute(db);
  await sql`ANALYZE forum_categories`.execute(db);
  await sql`ANALYZE forum_read_state`.execute(db);
  return `Added ${categories.length} forum categories, ${threads} threads and ${replies} replies in ${((Date.now() - started) / 1000).toFixed(1)} s.`;
}
