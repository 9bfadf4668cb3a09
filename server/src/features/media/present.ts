import type { Image } from '@caucus/shared/schemas/media.ts';
import type { ImageRow } from './queries.ts';

/** Where a variant is served: the key is random, the name one of the variants recorded. */
export const variantUrl = (storageKey: string, name: string): string => `/media/${storageKey}/${name}`;

/** An image as the API shows it; the URLs are same-origin paths, checked at every request. */
export function presentImage(row: ImageRow): Image {
  return {
    id: row.id,
    alt: row.alt,
    width: row.width,
    height: row.height,
    animated: row.animated,
    placeholder: row.placeholder,
    variants: row.variants.map((v) => ({ url: variantUrl(row.storage_key, v.name), width: v.width, height: v.height, type: v.type })),
  };
}
