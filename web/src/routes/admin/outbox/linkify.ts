export type Segment = { text: string; href?: string };

const URL_PATTERN = /https?:\/\/[^\s<>"']+/g;

/** Splits a plain-text e-mail into text and http(s) links, so links can be clicked and nothing is parsed as HTML. */
export function linkify(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    // A full stop or bracket that ends a sentence is not part of the address.
    const href = match[0].replace(/[.,;:!?)\]]+$/, '');
    const start = match.index;
    if (start > last) segments.push({ text: text.slice(last, start) });
    segments.push({ text: href, href });
    last = start + href.length;
  }
  if (last < text.length) segments.push({ text: text.slice(last) });
  return segments;
}
