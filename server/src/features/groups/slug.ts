import { LIMITS } from '@caucus/shared/constants.ts';

/** Slugs the web app's own pages use under /groups/. */
export const RESERVED_SLUGS = new Set(['new', 'create', 'edit', 'near', 'search', 'settings', 'directory']);

/** "Île-de-France : Œuvres & Solidarité" → "ile-de-france-oeuvres-solidarite". */
export function slugify(name: string): string {
  const slug = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, LIMITS.groupSlugMax)
    .replace(/-+$/, '');
  // A name of symbols or of another script leaves too little: the group still needs an address.
  if (slug.length === 0) return 'groupe';
  return slug.length < 3 ? `groupe-${slug}` : slug;
}

/** The first of `base`, `base-2`, `base-3`… that is neither taken nor reserved (lower case). */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base) && !RESERVED_SLUGS.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, LIMITS.groupSlugMax - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Where to look for taken slugs: every candidate of `base` starts with this. */
export const slugStem = (base: string) => base.slice(0, LIMITS.groupSlugMax - 10);
