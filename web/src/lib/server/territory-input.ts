// Reads the territory field (#lib/components/territory-field.svelte) of a submitted form: a place
// picked from the suggestions, or the text as typed, which the reference list resolves here.
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { Territory, TerritoryList, TerritoryRef } from '@caucus/shared/schemas/groups.ts';
import { TERRITORY_KINDS, type TerritoryKind } from '@caucus/shared/constants.ts';
import { territoryLabel, type TerritoryInput } from '#lib/groups.ts';
import { m } from '#lib/paraglide/messages.js';
import { api, withQuery } from './api.ts';
import { errorText } from './error-text.ts';
import type { FormFailure, FormValues } from '#lib/forms.ts';

type Fields = Pick<FormData, 'get'>;

export type TerritoryResolution =
  | { ok: true; ref: TerritoryRef | null; input: TerritoryInput }
  | { ok: false; error: string; choices: Territory[]; input: TerritoryInput };

const REF = /^(commune|department|region):([0-9AB]{2,5})$/;
const POSTAL_CODE = /^\d{5}$/;

export function parseTerritoryRef(value: string): TerritoryRef | null {
  const match = REF.exec(value);
  if (!match || !(TERRITORY_KINDS as readonly string[]).includes(match[1]!)) return null;
  return { kind: match[1] as TerritoryKind, code: match[2]! };
}

/**
 * An empty field is no territory. A place chosen among the suggestions (or among the choices
 * offered after an ambiguous text) is taken as is, while the text still names it. Otherwise the
 * text is looked up: a single match, or a single exact one, is taken; `pickFirst` (a search
 * filter) takes the best match; else the member is asked which place they meant.
 */
export async function resolveTerritory(
  event: RequestEvent,
  fields: Fields,
  options: { pickFirst?: boolean } = {},
): Promise<TerritoryResolution> {
  const read = (name: string) => {
    const value = fields.get(name);
    return typeof value === 'string' ? value.trim() : '';
  };
  const input: TerritoryInput = { text: read('territory'), ref: read('territoryRef'), refLabel: read('territoryLabel') };

  const choice = parseTerritoryRef(read('territoryChoice'));
  if (choice) return { ok: true, ref: choice, input: { text: input.text, ref: '', refLabel: '' } };
  if (input.text === '') return { ok: true, ref: null, input: { text: '', ref: '', refLabel: '' } };
  const picked = input.refLabel === input.text ? parseTerritoryRef(input.ref) : null;
  if (picked) return { ok: true, ref: picked, input };

  const typed = { text: input.text, ref: '', refLabel: '' };
  const res = await api<TerritoryList>(event, 'GET', withQuery('/api/v1/territories', { q: input.text, limit: '8' }));
  if (!res.ok) return { ok: false, error: errorText(res.body.error, res.body.message), choices: [], input: typed };
  const found = res.body.territories;
  if (found.length === 0) return { ok: false, error: m.territory_not_found(), choices: [], input: typed };
  const first = found[0]!;
  if (options.pickFirst || found.length === 1) return { ok: true, ref: { kind: first.kind, code: first.code }, input: typed };

  const wanted = normalize(input.text);
  const exact = found.filter((t) =>
    POSTAL_CODE.test(input.text)
      ? t.kind === 'commune' && (t.postalCodes ?? []).includes(input.text)
      : normalize(t.name) === wanted || normalize(territoryLabel(t)) === wanted,
  );
  if (exact.length === 1) return { ok: true, ref: { kind: exact[0]!.kind, code: exact[0]!.code }, input: typed };
  return { ok: false, error: m.territory_ambiguous(), choices: exact.length > 1 ? exact : found, input: typed };
}

/** Case, accents, hyphens and apostrophes aside: "saint etienne" is "Saint-Étienne". */
function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[-'’\s]+/g, ' ')
    .trim();
}

/** The field's values to send back to the form, whatever the outcome. */
export function territoryValues(input: TerritoryInput): FormValues {
  return { territory: input.text, territoryRef: input.ref, territoryLabel: input.refLabel };
}

/** A form whose place could not be resolved: its values back, the error under the field, the places to choose from. */
export function failTerritory(
  values: FormValues,
  place: Extract<TerritoryResolution, { ok: false }>,
): ActionFailure<FormFailure & { territoryChoices: Territory[] }> {
  return fail(400, {
    values: { ...values, ...territoryValues(place.input) },
    errors: { form: m.error_invalid_input(), fields: { territory: place.error } },
    territoryChoices: place.choices,
  });
}
