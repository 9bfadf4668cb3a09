// Reading submitted forms and answering a failed API call with `fail()`, the same way on every page.
import { fail, redirect, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import type { FormFailure, FormValues } from '#lib/forms.ts';
import type { ApiFailure } from './api.ts';
import { errorText } from './error-text.ts';
import { loginPath } from './guards.ts';

export type { FormFailure, FormValues };

/** A text field as submitted, trimmed; '' when missing. Files and repeated names are ignored. */
export function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

/** A password as typed: never trimmed, never sent back to the page. */
export function secret(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value : '';
}

export function checked(data: FormData, name: string): boolean {
  return data.get(name) !== null;
}

type FailOptions = {
  /** Which form on the page failed, when a page has several. */
  form?: string;
  /** The fields this form shows; an error about any other one is shown above the form. */
  fields?: readonly string[];
  /** Maps a field name of the API body to the input's name, where they differ. */
  rename?: (name: string) => string;
  /** The form as sent: a field left empty is "required", whatever length rule the API names. */
  submitted?: FormData;
};

/**
 * Answers a failed API call from an action: an expired session goes to the login page, anything
 * else returns the values (without passwords) and each error translated, under its field.
 */
export function failFromApi(
  event: RequestEvent,
  res: ApiFailure,
  values: FormValues,
  options: FailOptions = {},
): ActionFailure<FormFailure> {
  if (res.status === 401 && res.body.error === 'unauthenticated') redirect(303, loginPath(event.url));
  const fields: Record<string, string> = {};
  const hidden: string[] = [];
  for (const [key, error] of Object.entries(res.body.fields ?? {})) {
    const name = options.rename ? options.rename(fieldName(key)) : fieldName(key);
    // A hidden token that fails validation is, to the member, a link that no longer works.
    const empty = error.code === 'too_short' && options.submitted !== undefined && !options.submitted.get(name);
    const code = name === 'token' ? 'invalid_token' : empty ? 'required' : error.code;
    const message = errorText(code, error.message, error.params, name);
    if (options.fields && !options.fields.includes(name)) hidden.push(message);
    else fields[name] = message;
  }
  // Always a summary above the form, announced to screen readers; the details sit under each field.
  const summary = hidden[0] ?? errorText(res.body.error, res.body.message);
  return fail(res.status >= 400 && res.body.error !== 'internal' ? res.status : 500, {
    ...(options.form && { form: options.form }),
    values,
    errors: { form: summary, fields },
  });
}

/** A form-level failure the web detects itself, before calling the API. */
export function failWith(status: number, values: FormValues, message: string, form?: string): ActionFailure<FormFailure> {
  return fail(status, { ...(form && { form }), values, errors: { form: message, fields: {} } });
}

/** `/links/0/url`, `links[0].url` and `links.0.url` all name the input `links.0.url`. */
export function fieldName(key: string): string {
  return key.replace(/^\//, '').replace(/\[(\d+)\]/g, '.$1').replaceAll('/', '.');
}
