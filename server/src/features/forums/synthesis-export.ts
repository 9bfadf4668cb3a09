import type { ReviewedSynthesis } from '@caucus/shared/schemas/forums.ts';
import type { ReviewFilters, ReviewRow } from './synthesis-review.ts';

// The campaign team's export of syntheses: Markdown (as the moderators wrote them), or one HTML
// page ready to print to PDF (the sanitized HTML the pages show, no script, no outside resource).

export const EXPORT_MAX = 500;

type Lang = 'fr' | 'en';

const WORDS = {
  fr: {
    title: 'Synthèses des débats', exported: 'Exporté le', filters: 'Filtres', none: 'aucun', national: 'forum du réseau',
    network: 'Forum du réseau', version: 'version', by: 'par', on: 'le',
    endorsed: (n: number) => (n === 0 ? 'pas encore d’avis des membres' : n === 1 ? '1 membre la juge représentative' : `${n} membres la jugent représentative`),
    sources: 'Sources', posts: 'messages', empty: 'Aucune synthèse ne correspond à ces filtres.', region: 'région', department: 'département', commune: 'commune', theme: 'thème',
  },
  en: {
    title: 'Debate syntheses', exported: 'Exported on', filters: 'Filters', none: 'none', national: 'network forum',
    network: 'Network forum', version: 'version', by: 'by', on: 'on',
    endorsed: (n: number) => (n === 0 ? 'no member endorsement yet' : n === 1 ? '1 member finds it representative' : `${n} members find it representative`),
    sources: 'Sources', posts: 'posts', empty: 'No synthesis matches these filters.', region: 'region', department: 'department', commune: 'commune', theme: 'theme',
  },
} as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function day(iso: string, lang: Lang): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(new Date(iso));
}

function filterLine(filters: ReviewFilters, lang: Lang): string {
  const w = WORDS[lang];
  const parts = [
    filters.national ? w.national : null,
    filters.region ? `${w.region} ${filters.region}` : null,
    filters.department ? `${w.department} ${filters.department}` : null,
    filters.commune ? `${w.commune} ${filters.commune}` : null,
    filters.theme ? `${w.theme} ${filters.theme}` : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : w.none;
}

/** Where a synthesis comes from: the forum (and its group's place), the category. */
function origin(entry: ReviewedSynthesis, lang: Lang): string {
  const forum = entry.scope.kind === 'group' ? entry.scope.group.name : WORDS[lang].network;
  const place = entry.territory ? ` (${entry.territory.name}${entry.territory.departmentCode && entry.territory.kind === 'commune' ? `, ${entry.territory.departmentCode}` : ''})` : '';
  return `${forum}${place} · ${entry.thread.category.name}`;
}

function byline(entry: ReviewedSynthesis, lang: Lang): string {
  const w = WORDS[lang];
  const s = entry.synthesis;
  return `${w.version} ${s.version}${s.author ? ` ${w.by} ${s.author.displayName}` : ''}, ${w.on} ${day(s.createdAt, lang)} · ${w.endorsed(s.endorsements)}`;
}

const threadLink = (base: URL, threadId: string, position?: number) =>
  new URL(position ? `/threads/${threadId}?at=${position}#p-${position}` : `/threads/${threadId}`, base).toString();

export function exportMarkdown(entries: ReadonlyArray<{ row: ReviewRow; json: ReviewedSynthesis }>, filters: ReviewFilters, network: string, base: URL, lang: Lang, now = new Date()): string {
  const w = WORDS[lang];
  const lines = [`# ${w.title} — ${network}`, '', `_${w.exported} ${day(now.toISOString(), lang)} · ${w.filters} : ${filterLine(filters, lang)}_`, ''];
  if (entries.length === 0) lines.push(w.empty, '');
  for (const { row, json } of entries) {
    lines.push(`## [${json.thread.title}](${threadLink(base, json.thread.id)})`, '', `${origin(json, lang)} · ${byline(json, lang)}`, '', row.body.trim(), '');
    if (json.synthesis.sources.length > 0) {
      lines.push(`${w.sources} :`, '');
      for (const source of json.synthesis.sources) lines.push(`- [#${source.position}](${threadLink(base, json.thread.id, source.position)}) ${source.author.displayName} : « ${source.excerpt} »`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

export function exportHtml(entries: ReadonlyArray<{ row: ReviewRow; json: ReviewedSynthesis }>, filters: ReviewFilters, network: string, base: URL, lang: Lang, now = new Date()): string {
  const w = WORDS[lang];
  const sections = entries.map(({ json }) => `
  <article>
    <h2><a href="${escapeHtml(threadLink(base, json.thread.id))}">${escapeHtml(json.thread.title)}</a></h2>
    <p class="meta">${escapeHtml(origin(json, lang))} · ${escapeHtml(byline(json, lang))}</p>
    <div class="body">${json.synthesis.bodyHtml}</div>
    ${json.synthesis.sources.length > 0 ? `<h3>${w.sources}</h3>
    <ul class="sources">${json.synthesis.sources.map((source) => `<li><a href="${escapeHtml(threadLink(base, json.thread.id, source.position))}">#${source.position}</a> ${escapeHtml(source.author.displayName)} : « ${escapeHtml(source.excerpt)} »</li>`).join('')}</ul>` : ''}
  </article>`).join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`${w.title} — ${network}`)}</title>
<style>
  body { font: 11pt/1.5 system-ui, sans-serif; color: #1b1f24; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  .lead, .meta { color: #59636e; font-size: 0.9rem; }
  article { border-top: 1px solid #d0d7de; padding-top: 1rem; margin-top: 1.5rem; break-inside: avoid-page; }
  h2 { font-size: 1.2rem; margin: 0 0 0.2rem; }
  h2 a { color: inherit; text-decoration: none; }
  h3 { font-size: 0.95rem; margin: 1rem 0 0.3rem; }
  .sources { font-size: 0.9rem; padding-left: 1.2rem; }
  @page { margin: 2cm; }
  @media print { body { margin: 0; max-width: none; } a { color: inherit; } }
</style>
</head>
<body>
<h1>${escapeHtml(`${w.title} — ${network}`)}</h1>
<p class="lead">${escapeHtml(`${w.exported} ${day(now.toISOString(), lang)} · ${w.filters} : ${filterLine(filters, lang)}`)}</p>
${entries.length === 0 ? `<p>${w.empty}</p>` : sections}
</body>
</html>
`;
}
