import { brandVersion } from '#lib/brand.ts';
import { getLocale } from '#lib/paraglide/runtime.js';
import type { LayoutServerLoad } from './$types';

// Only what every page shows goes to the browser: no e-mail address, no member id.
export const load: LayoutServerLoad = ({ locals }) => {
  const { name, tagline, colors, privacyPolicyVersion } = locals.network;
  const me = locals.me && { handle: locals.me.handle, displayName: locals.me.displayName, role: locals.me.role };
  return {
    network: { name, tagline, privacyPolicyVersion, brandVersion: brandVersion(colors) },
    me,
    setupRequired: locals.network.setupRequired,
    locale: getLocale(),
  };
};
