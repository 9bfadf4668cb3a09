import { describe, expect, it } from 'vitest';
import { LIMITS } from '@caucus/shared/constants.ts';
import { firstFreeSlug, slugify, slugStem } from './slug.ts';

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

describe('firstFreeSlug', () => {
  it('numbers a taken or reserved address, within the length limit', () => {
    expect(firstFreeSlug('lyon', new Set())).toBe('lyon');
    expect(firstFreeSlug('lyon', new Set(['lyon', 'lyon-2']))).toBe('lyon-3');
    expect(firstFreeSlug('new', new Set())).toBe('new-2');
    const base = 'a'.repeat(LIMITS.groupSlugMax);
    const next = firstFreeSlug(base, new Set([base]));
    expect(next).toBe(`${'a'.repeat(LIMITS.groupSlugMax - 2)}-2`);
    expect(next.startsWith(slugStem(base))).toBe(true);
  });
});
