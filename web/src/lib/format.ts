import { getLocale } from '#lib/paraglide/runtime.js';

// One time zone on the server and in the browser, so the page hydrates with the same text.
const TIME_ZONE = 'Europe/Paris';

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'medium', timeStyle: 'short', timeZone: TIME_ZONE }).format(
    new Date(iso),
  );
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(getLocale(), { dateStyle: 'long', timeZone: TIME_ZONE }).format(new Date(iso));
}
