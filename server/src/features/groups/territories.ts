import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { TerritoryKind } from '@caucus/shared/constants.ts';
import type { Territory, TerritoryRef } from '@caucus/shared/schemas/groups.ts';
import { fieldError } from '#core/errors.ts';

/**
 * The official French reference (@etalab/decoupage-administratif): current communes, departments
 * and regions, loaded once on first use and indexed in memory by code, postal code and name.
 */

interface Place {
  kind: TerritoryKind;
  code: string;
  name: string;
  /** Lower case, without accents or punctuation: what searches compare. */
  key: string;
  population: number;
  departmentCode: string | null;
  regionCode: string | null;
  postalCodes: string[];
}

interface TerritoryIndex {
  communes: Map<string, Place>;
  departments: Map<string, Place>;
  regions: Map<string, Place>;
  byPostalCode: Map<string, Place[]>;
  /** Communes by their exact name key (homonyms share one). */
  communesByKey: Map<string, Place[]>;
  /** Sorted search keys: the whole name (rank 1) and each later word onwards (rank 2). */
  nameKeys: Array<{ key: string; place: Place; rank: number }>;
  /** Sorted postal codes, for prefix search. */
  postalKeys: string[];
}

interface RawCommune { code: string; nom: string; type: string; departement?: string; region?: string; codesPostaux?: string[]; population?: number }
interface RawArea { code: string; nom: string; region?: string }

/** "Saint-Étienne", "st etienne" and "SAINT ETIENNE" all become "saint etienne". */
export function normalizePlaceName(text: string): string {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ');
  // Abbreviations are expanded only before another word: "st" alone may be the start of "Strasbourg".
  return words.map((word, i) => (i < words.length - 1 && ABBREVIATIONS[word] ? ABBREVIATIONS[word] : word)).join(' ');
}
const ABBREVIATIONS: Record<string, string> = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };

const require = createRequire(import.meta.url);
const readData = async <T>(file: string): Promise<T> =>
  JSON.parse(await readFile(require.resolve(`@etalab/decoupage-administratif/data/${file}.json`), 'utf8')) as T;

async function buildIndex(): Promise<TerritoryIndex> {
  const [rawCommunes, rawDepartments, rawRegions] = await Promise.all([
    readData<RawCommune[]>('communes'),
    readData<RawArea[]>('departements'),
    readData<RawArea[]>('regions'),
  ]);
  const area = (kind: 'department' | 'region', raw: RawArea): Place => ({
    kind, code: raw.code, name: raw.nom, key: normalizePlaceName(raw.nom), population: 0,
    departmentCode: kind === 'department' ? raw.code : null, regionCode: kind === 'department' ? raw.region ?? null : raw.code, postalCodes: [],
  });
  const departments = new Map(rawDepartments.map((raw) => [raw.code, area('department', raw)]));
  const regions = new Map(rawRegions.map((raw) => [raw.code, area('region', raw)]));

  const communes = new Map<string, Place>();
  const byPostalCode = new Map<string, Place[]>();
  const communesByKey = new Map<string, Place[]>();
  // Only today's communes: delegated and associated ones are history, Paris/Lyon/Marseille's
  // arrondissements are reached through their commune's postal codes.
  for (const raw of rawCommunes) {
    if (raw.type !== 'commune-actuelle') continue;
    const place: Place = {
      kind: 'commune', code: raw.code, name: raw.nom, key: normalizePlaceName(raw.nom), population: raw.population ?? 0,
      departmentCode: raw.departement ?? null, regionCode: raw.region ?? null, postalCodes: raw.codesPostaux ?? [],
    };
    communes.set(place.code, place);
    for (const postalCode of place.postalCodes) push(byPostalCode, postalCode, place);
    push(communesByKey, place.key, place);
    // A department or region is as big as its communes: it ranks among them by population.
    const department = place.departmentCode ? departments.get(place.departmentCode) : undefined;
    const region = place.regionCode ? regions.get(place.regionCode) : undefined;
    if (department) department.population += place.population;
    if (region) region.population += place.population;
  }

  const nameKeys: TerritoryIndex['nameKeys'] = [];
  for (const place of [...communes.values(), ...departments.values(), ...regions.values()]) {
    nameKeys.push({ key: place.key, place, rank: 1 });
    for (let i = place.key.indexOf(' '); i !== -1; i = place.key.indexOf(' ', i + 1)) nameKeys.push({ key: place.key.slice(i + 1), place, rank: 2 });
  }
  nameKeys.sort((a, b) => compare(a.key, b.key));
  return { communes, departments, regions, byPostalCode, communesByKey, nameKeys, postalKeys: [...byPostalCode.keys()].sort(compare) };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The first index whose key is >= prefix, in a sorted list. */
function lowerBound<T>(list: T[], prefix: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keyOf(list[mid]!) < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

let loading: Promise<TerritoryIndex> | undefined;
/** Loads the reference on first use (about 9 MB of JSON), once per process. */
function territoryIndex(): Promise<TerritoryIndex> {
  loading ??= buildIndex().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

export function presentPlace(place: Place): Territory {
  return place.kind === 'commune'
    ? { kind: 'commune', code: place.code, name: place.name, ...(place.departmentCode ? { departmentCode: place.departmentCode } : {}), postalCodes: place.postalCodes }
    : { kind: place.kind, code: place.code, name: place.name };
}

const POSTAL_OR_CODE = /^(?:[0-9]{1,5}|2[ab][0-9]{0,3})$/;

/**
 * Communes, departments and regions by name prefix (of the whole name or of a later word) or by
 * postal code, INSEE or department code. Best first: exact postal code or name, then the most
 * populous.
 */
export async function searchTerritories(query: string, limit = 20): Promise<Territory[]> {
  const index = await territoryIndex();
  const key = normalizePlaceName(query);
  if (!key) return [];
  const found = new Map<Place, number>(); // place → best rank (0 is exact)
  const offer = (place: Place, rank: number) => {
    const known = found.get(place);
    if (known === undefined || rank < known) found.set(place, rank);
  };

  const compact = key.replace(/ /g, '');
  if (POSTAL_OR_CODE.test(compact)) {
    const code = compact.toUpperCase();
    for (const place of index.byPostalCode.get(code) ?? []) offer(place, 0);
    const department = index.departments.get(code);
    if (department) offer(department, 0);
    const commune = index.communes.get(code);
    if (commune) offer(commune, 1);
    for (let i = lowerBound(index.postalKeys, code, (k) => k); i < index.postalKeys.length && index.postalKeys[i]!.startsWith(code); i++) {
      for (const place of index.byPostalCode.get(index.postalKeys[i]!)!) offer(place, 1);
    }
  } else {
    for (let i = lowerBound(index.nameKeys, key, (k) => k.key); i < index.nameKeys.length && index.nameKeys[i]!.key.startsWith(key); i++) {
      const { place, rank } = index.nameKeys[i]!;
      offer(place, rank === 1 && place.key === key ? 0 : rank);
    }
  }
  const kindOrder: Record<TerritoryKind, number> = { commune: 0, department: 1, region: 2 };
  return [...found]
    .sort(([a, rankA], [b, rankB]) => rankA - rankB || b.population - a.population || kindOrder[a.kind] - kindOrder[b.kind] || compare(a.code, b.code))
    .slice(0, limit)
    .map(([place]) => presentPlace(place));
}

/** A territory as a group stores it: with its department and region, so that "inside" and "near" are equalities. */
export interface ResolvedTerritory {
  kind: TerritoryKind;
  code: string;
  name: string;
  departmentCode: string | null;
  regionCode: string | null;
}

async function findPlace(ref: TerritoryRef): Promise<Place | undefined> {
  const index = await territoryIndex();
  const code = ref.code.toUpperCase();
  return (ref.kind === 'commune' ? index.communes : ref.kind === 'department' ? index.departments : index.regions).get(code);
}

/** A {kind, code} from a request, or a 400 `unknown_territory` on `field`. */
export async function resolveTerritory(ref: TerritoryRef, field = 'territory'): Promise<ResolvedTerritory> {
  const place = await findPlace(ref);
  if (!place) throw fieldError(400, field, 'unknown_territory', 'This place is not in the official list of communes, departments and regions: pick one from the suggestions');
  return { kind: place.kind, code: place.code, name: place.name, departmentCode: place.departmentCode, regionCode: place.regionCode };
}

/**
 * A bare code from a filter: 5 characters is a commune, else a department, else a region (their
 * codes overlap, e.g. 11 is Aude and Île-de-France: pass `kind` to mean the region).
 */
export async function resolveTerritoryCode(code: string, kind?: TerritoryKind, field = 'territory'): Promise<ResolvedTerritory> {
  const upper = code.toUpperCase();
  if (kind) return resolveTerritory({ kind, code: upper }, field);
  if (upper.length === 5) return resolveTerritory({ kind: 'commune', code: upper }, field);
  const index = await territoryIndex();
  return resolveTerritory({ kind: index.departments.has(upper) ? 'department' : 'region', code: upper }, field);
}

export interface NearPlace {
  /** The place understood, to say "near Lyon (69)". */
  place: Territory;
  communeCodes: string[];
  departmentCodes: string[];
  regionCodes: string[];
}

/**
 * "Near me": a postal code gives every commune that shares it; a name gives the commune of that
 * exact name (the most populous of homonyms: a postal code tells them apart). Null when unknown.
 */
export async function findNear(text: string): Promise<NearPlace | null> {
  const index = await territoryIndex();
  const trimmed = text.trim();
  const communes = /^[0-9]{5}$/.test(trimmed)
    ? index.byPostalCode.get(trimmed) ?? []
    : (index.communesByKey.get(normalizePlaceName(trimmed)) ?? []).toSorted((a, b) => b.population - a.population).slice(0, 1);
  if (communes.length === 0) return null;
  const best = communes.toSorted((a, b) => b.population - a.population)[0]!;
  const distinct = (values: Array<string | null>) => [...new Set(values.filter((v): v is string => v !== null))];
  return {
    place: presentPlace(best),
    communeCodes: communes.map((c) => c.code),
    departmentCodes: distinct(communes.map((c) => c.departmentCode)),
    regionCodes: distinct(communes.map((c) => c.regionCode)),
  };
}
