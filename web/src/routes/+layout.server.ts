import { brandVersion } from '#lib/brand.ts';
import { getLocale } from '#lib/paraglide/runtime.js';
import type { LayoutServerLoad } from './$types';

// Only what every page shows goes to the browser: no e-mail address, no member id.
export const load: LayoutServerLoad = ({ locals }) => {
  const { name, tagline, colors, privacyPolicyVersion, logo, favicon } = locals.network;
  const me = locals.me && {
    handle: locals.me.handle,
    displayName: locals.me.displayName,
    role: locals.me.role,
    // The header's notification badge; live events move it on from here.
    unreadNotifications: locals.me.unreadNotifications,
    avatar: locals.me.avatar,
  };
  return {
    network: { name, tagline, privacyPolicyVersion, brandVersion: brandVersion(colors), logo, favicon },
    me,
    setupRequired: locals.network.setupRequired,
    locale: getLocale(),
  };
};
