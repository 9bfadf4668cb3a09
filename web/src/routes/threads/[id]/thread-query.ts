// A thread page's address: which page (`after` a position, or `at` one), a jump asked by the
// "go to post" form, the post a reply will quote. Anything that is no whole number is ignored.

/** A whole number ≥ min from a query value; undefined for anything else. */
export function wholeNumber(value: string | null | undefined, min = 1): number | undefined {
  if (!value || !/^\d{1,9}$/.test(value)) return undefined;
  const number = Number(value);
  return number >= min ? number : undefined;
}

export function threadQuery(params: URLSearchParams) {
  return {
    after: wholeNumber(params.get('after'), 0),
    at: wholeNumber(params.get('at')),
    jump: wholeNumber(params.get('jump')),
    quote: wholeNumber(params.get('quote')),
  };
}

/** The page's own query: without the `/action` key a form without JavaScript may have left in it. */
function pageParams(search: string): URLSearchParams {
  const params = new URLSearchParams(search);
  for (const key of [...params.keys()]) if (key.startsWith('/')) params.delete(key);
  return params;
}

/** The page's address with `quote` set to a post number (the "Citer" link without JavaScript), the reply form in view. */
export function quoteHref(search: string, position: number): string {
  const params = pageParams(search);
  params.set('quote', String(position));
  return `?${params}#reply`;
}

/** The page's address without `quote` (taking a quote back without JavaScript). */
export function unquoteHref(pathname: string, search: string): string {
  const params = pageParams(search);
  params.delete('quote');
  const rest = params.toString();
  return `${pathname}${rest ? `?${rest}` : ''}#reply`;
}

/** Another page of the thread: after position N (0 is the first page). */
export function afterHref(threadPath: string, after: number): string {
  return after > 0 ? `${threadPath}?after=${after}` : threadPath;
}

/**
 * A form action of this page that keeps its address (`?after=20&quote=3&/reply`): without
 * JavaScript, a refused form comes back on the same page of the thread, with its error beside the post.
 */
export function actionHref(search: string, action: string): string {
  const rest = pageParams(search).toString();
  return `?${rest ? `${rest}&` : ''}/${action}`;
}
