import type { Locale } from '#lib/paraglide/runtime.js';
import { isLocale, overwriteGetLocale } from '#lib/paraglide/runtime.js';

// The server chose the language (cookie, Accept-Language, French) and wrote it on <html lang>:
// the browser keeps that choice, so hydration and client navigation render the same words.
const chosen = document.documentElement.lang;
const locale: Locale = isLocale(chosen) ? chosen : 'fr';
overwriteGetLocale(() => locale);
