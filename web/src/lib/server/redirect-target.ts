/**
 * A path on this site to go to after logging in; anything else (another origin, `//x`) gives '/'.
 * Judged on the path as the URL parser normalizes it: `/.//evil.example` has dot segments that
 * resolve to `//evil.example`, another origin to a browser (and a redirect SvelteKit refuses).
 */
export function safeRedirectTarget(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  try {
    const base = 'http://caucus.invalid';
    const url = new URL(value, base);
    if (url.origin !== base) return '/';
    const target = url.pathname + url.search + url.hash;
    return target.startsWith('//') || target.startsWith('/\\') ? '/' : target;
  } catch {
    return '/';
  }
}
