// One clock for every relative time on the page: the server renders with its own "now", the
// browser moves it on every half minute, so "il y a 2 minutes" stays true while the page is open.
const clock = $state({ now: Date.now() });

if (typeof window !== 'undefined') setInterval(() => (clock.now = Date.now()), 30_000);

export function now(): number {
  return typeof window === 'undefined' ? Date.now() : clock.now;
}
