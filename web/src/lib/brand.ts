import type { NetworkInfo } from '@caucus/shared/schemas/network.ts';

type Colors = NetworkInfo['colors'];

const HEX = /^#[0-9a-f]{6}$/i;

/** Changes whenever the colours do, so the stylesheet can be cached for good under each version. */
export function brandVersion(colors: Colors): string {
  return `${colors.primary}${colors.accent}`.replaceAll('#', '').toLowerCase();
}

/** The network's colours as CSS custom properties, each with a readable text colour to put on it. */
export function brandStylesheet(colors: Colors): string {
  const lines = [':root {'];
  if (HEX.test(colors.primary)) lines.push(`  --color-primary: ${colors.primary};`, `  --color-on-primary: ${readableOn(colors.primary)};`);
  if (HEX.test(colors.accent)) lines.push(`  --color-accent: ${colors.accent};`, `  --color-on-accent: ${readableOn(colors.accent)};`);
  lines.push('}', '');
  return lines.join('\n');
}

/** Near-black or white, whichever contrasts more with the colour (WCAG relative luminance). */
export function readableOn(hex: string): '#111111' | '#ffffff' {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const dark = 0.0056; // luminance of #111111
  return (luminance + 0.05) / (dark + 0.05) > 1.05 / (luminance + 0.05) ? '#111111' : '#ffffff';
}
