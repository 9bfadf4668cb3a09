import { createRequire } from 'node:module';

interface CommuneRecord { code: string; nom: string; type: string; departement: string; region: string; codesPostaux?: string[] }

/** The real communes of the sample postal codes (names.ts), from the official reference, for the groups' territories. */
export function scalePlaces(): Array<{ kind: 'commune'; code: string; name: string; department: string; region: string }> {
  const communes = createRequire(import.meta.url)('@etalab/decoupage-administratif/data/communes.json') as CommuneRecord[];
  const wanted = new Set(['69123', '69266', '13055', '59350', '59512', '31555', '44109', '35238', '67482', '33063', '34172', '38185', '63113', '93066', '93048', '75056', '29019', '87085', '25056', '80021', '21231', '37261', '54395']);
  return communes
    .filter((c) => c.type === 'commune-actuelle' && wanted.has(c.code))
    .map((c) => ({ kind: 'commune' as const, code: c.code, name: c.nom, department: c.departement, region: c.region }));
}
