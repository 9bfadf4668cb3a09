import type { NetworkInfo } from '@caucus/shared/schemas/network.ts';

/** Changes whenever the colours do, so the stylesheet can be cached for good under each version. */
export function brandVersion(colors: NetworkInfo['colors']): string {
  return `${colors.primary}${colors.accent}`.replaceAll('#', '').toLowerCase();
}
