import { getLocale } from '#lib/paraglide/runtime.js';

// One time zone on the server and in the browser, so the page hydrates with the same text.
const TIME_ZONE = 'Europe/Paris';

/**
 * One formatter per locale and kind, made once: building an Intl formatter costs far more than
 * using it (it was a sixth of a wall page's rendering time on the server).
 */
function perLocale<F>(make: (locale: string) => F): () => F {
  const made = new Map<string, F>();
  return () => {
    const locale = getLocale();
    let formatter = made.get(locale);
    if (!formatter) made.set(locale, (formatter = make(locale)));
    return formatter;
  };
}

const dateTimeFormat = perLocale((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }));
const dateFormat = perLocale((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: TIME_ZONE }));
const relativeFormat = perLocale((locale) => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));

export function formatDateTime(iso: string): string {
  return dateTimeFormat().format(new Date(iso));
}

export function formatDate(iso: string): string {
  return dateFormat().format(new Date(iso));
}

const RELATIVE_STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.35],
  ['month', 12],
  ['year', Infinity],
];

/** "il y a 3 heures", "hier": show it with the absolute time (formatDateTime) in a title or a <time>. */
export function formatRelative(iso: string, now: number = Date.now()): string {
  let value = (new Date(iso).getTime() - now) / 1000;
  const format = relativeFormat();
  if (Math.abs(value) < 45) return format.format(0, 'second');
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(value) < size) return format.format(Math.round(value), unit);
    value /= size;
  }
  return format.format(Math.round(value), 'year');
}
