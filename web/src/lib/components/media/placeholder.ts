/** The placeholder the API sends (a tiny WebP data URL of the image's thumbhash), if it is one: the CSP allows `data:` images. */
export function placeholderUrl(placeholder: string | null): string | null {
  return placeholder && /^data:image\/(webp|png);base64,[A-Za-z0-9+/]+=*$/.test(placeholder) ? placeholder : null;
}

/** `srcset` from the variants (narrowest first), and the one to fall back on. */
export function sources(variants: { url: string; width: number }[]): { src: string; srcset: string } {
  const srcset = variants.map((v) => `${v.url} ${v.width}w`).join(', ');
  // A middle size for browsers that ignore srcset: sharp enough, not the heaviest.
  const fallback = variants[Math.min(1, variants.length - 1)];
  return { src: fallback?.url ?? '', srcset };
}
