// What a failed action hands back to its page (see #lib/server/form.ts), and reading it back.

export type FormValues = Record<string, string | boolean>;

export type FormFailure = {
  /** Which form on the page failed, when a page has several. */
  form?: string;
  values: FormValues;
  errors: { form?: string; fields: Record<string, string> };
};

/** The text a field held when the form was sent, to put back in it. */
export function textValue(values: FormValues | undefined, name: string, fallback = ''): string {
  const value = values?.[name];
  return typeof value === 'string' ? value : fallback;
}
