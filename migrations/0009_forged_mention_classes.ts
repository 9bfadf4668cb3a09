import { sql, type Kysely } from 'kysely';

// Raw HTML in a post could carry the renderer's classes: `<a class="mention" href="https://…">`
// looked like a mention and led off-site. The renderer now drops any class it did not write
// itself (core/markdown.ts); this takes the forged ones out of what was stored before. A real
// mention always leads to /members/, a real hashtag to /hashtags/.
const LINK = (prefix: string, cls: string) => `<a href="(?!${prefix})([^"]*)" rel="nofollow noopener noreferrer ugc" class="${cls}">`;
const PLAIN = '<a href="\\1" rel="nofollow noopener noreferrer ugc">';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  for (const table of ['posts', 'comments']) {
    await sql`
      UPDATE ${sql.table(table)}
      SET body_html = regexp_replace(regexp_replace(body_html, ${LINK('/members/', 'mention')}, ${PLAIN}, 'g'), ${LINK('/hashtags/', 'hashtag')}, ${PLAIN}, 'g')
      WHERE body_html LIKE '%class="mention"%' OR body_html LIKE '%class="hashtag"%'`.execute(db);
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(_db: Kysely<any>): Promise<void> {
  // Nothing to restore: the forged classes were never meant to be there.
}
