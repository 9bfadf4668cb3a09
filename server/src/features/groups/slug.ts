import { randomInt } from 'node:crypto';
import { LIMITS } from '@caucus/shared/constants.ts';

/** Slugs the web app's own pages use under /groups/. */
export const RESERVED_SLUGS = new Set(['new', 'create', 'edit', 'near', 'search', 'settings', 'directory']);

/**
 * "Île-de-France : Œuvres & Solidarité" → "ile-de-france-oeuvres-solidarite". A name that leaves
 * too little gets `fallback` (a group's address, a forum category's) before it.
 */
export function slugify(name: string, fallback = 'groupe'): string {
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
  if (slug.length === 0) return fallback;
  return slug.length < 3 ? `${fallback}-${slug}` : slug;
}

// No 0/o, 1/l: an address read aloud or copied by hand stays right.
const SUFFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

export function randomSuffix(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}

/**
 * `base` if it is free and not reserved, else `base-` and a random suffix: a number (`-2`) would
 * tell how many groups share the name. `taken` holds the addresses the creator's choice may meet.
 */
export function freeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base) && !RESERVED_SLUGS.has(base)) return base;
  for (;;) {
    const suffix = `-${randomSuffix(4)}`;
    const candidate = `${base.slice(0, LIMITS.groupSlugMax - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/**
 * A secret group's address says nothing of its name: were it derived from the name, anyone
 * creating a group of the same name would meet it (a taken address, a suffix) and learn that
 * a group they may not see exists.
 */
export const secretSlug = () => `groupe-${randomSuffix(12)}`;

/** Where to look for taken slugs: every candidate of `base` starts with this. */
export const slugStem = (base: string) => base.slice(0, LIMITS.groupSlugMax - 10);
