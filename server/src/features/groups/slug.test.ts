import { describe, expect, it } from 'vitest';
import { LIMITS } from '@caucus/shared/constants.ts';
import { freeSlug, secretSlug, slugify, slugStem } from './slug.ts';

describe('slugify', () => {
  it('transliterates accents and ligatures, and keeps single hyphens', () => {
    expect(slugify('Comité Île-de-France — Œuvres & Solidarité')).toBe('comite-ile-de-france-oeuvres-solidarite');
    expect(slugify("  L'Haÿ-les-Roses  ")).toBe('l-hay-les-roses');
    expect(slugify('Straße 2027')).toBe('strasse-2027');
  });

  it('always gives an address of 3 to 60 characters', () => {
    expect(slugify('✊✊✊')).toBe('groupe');
    expect(slugify('Zé')).toBe('groupe-ze');
    const long = slugify(`${'mot '.repeat(30)}fin`);
    expect(long.length).toBeLessThanOrEqual(LIMITS.groupSlugMax);
    expect(long).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });
});

describe('freeSlug', () => {
  it('suffixes a taken or reserved address at random, within the length limit', () => {
    expect(freeSlug('lyon', new Set())).toBe('lyon');
    expect(freeSlug('lyon', new Set(['lyon']))).toMatch(/^lyon-[a-z2-9]{4}$/);
    expect(freeSlug('new', new Set())).toMatch(/^new-[a-z2-9]{4}$/);
    const base = 'a'.repeat(LIMITS.groupSlugMax);
    const next = freeSlug(base, new Set([base]));
    expect(next).toMatch(new RegExp(`^${'a'.repeat(LIMITS.groupSlugMax - 5)}-[a-z2-9]{4}$`));
    expect(next.startsWith(slugStem(base))).toBe(true);
  });

  it('gives a secret group an address that says nothing of its name', () => {
    const slugs = new Set(Array.from({ length: 50 }, secretSlug));
    expect(slugs.size).toBe(50);
    for (const slug of slugs) expect(slug).toMatch(/^groupe-[a-z2-9]{12}$/);
  });
});
