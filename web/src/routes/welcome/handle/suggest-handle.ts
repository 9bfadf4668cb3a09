import { LIMITS } from '@caucus/shared/constants.ts';

/** A handle to start from, made of the display name: "Léa Dupont-Marie" gives "lea_dupont_marie"; '' if too little is left. */
export function suggestHandle(displayName: string): string {
  const handle = displayName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, LIMITS.handleMax)
    .replace(/_+$/, '');
  return handle.length >= LIMITS.handleMin ? handle : '';
}
