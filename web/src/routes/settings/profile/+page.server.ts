import { redirect } from '@sveltejs/kit';
import { FIELD_VISIBILITIES, LIMITS, PROFILE_VISIBILITIES, type FieldVisibility } from '@caucus/shared/constants.ts';
import type { MemberQuota } from '@caucus/shared/schemas/media.ts';
import type { ProfileLink, ProfileSettings, UpdateProfileBody } from '@caucus/shared/schemas/profiles.ts';
import { api } from '#lib/server/api.ts';
import { checked, failFromApi, text, type FormValues } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
  requireMember(event);
  const [settings, quota] = await Promise.all([
    api<ProfileSettings>(event, 'GET', '/api/v1/me/profile'),
    api<MemberQuota>(event, 'GET', '/api/v1/me/media-quota'),
  ]);
  return {
    settings: expectOk(event, settings),
    saved: event.url.searchParams.has('saved'),
    maxUploadBytes: expectOk(event, quota).maxUploadBytes,
    avatarDone: event.url.searchParams.get('avatar'),
  };
};

export const actions: Actions = {
  default: async (event) => {
    requireMember(event);
    const data = await event.request.formData();
    const links: ProfileLink[] = [];
    const rows: number[] = []; // the form row of each link sent, since empty rows are left out
    const values: FormValues = {};
    for (let i = 0; i < LIMITS.linksMax; i++) {
      const label = text(data, `links.${i}.label`);
      const url = text(data, `links.${i}.url`);
      values[`links.${i}.label`] = label;
      values[`links.${i}.url`] = url;
      // A row left empty is no link; a half-filled one goes to the API, which says what is missing.
      if (label || url) {
        links.push({ label, url });
        rows.push(i);
      }
    }
    const body: UpdateProfileBody = {
      handle: text(data, 'handle'),
      displayName: text(data, 'displayName'),
      bio: text(data, 'bio'),
      commune: text(data, 'commune'),
      postalCode: text(data, 'postalCode'),
      links,
      profileVisibility: oneOf(PROFILE_VISIBILITIES, text(data, 'profileVisibility'), 'members'),
      listedInDirectory: checked(data, 'listedInDirectory'),
      bioVisibility: visibility(text(data, 'bioVisibility')),
      locationVisibility: visibility(text(data, 'locationVisibility')),
      linksVisibility: visibility(text(data, 'linksVisibility')),
    };
    const res = await api(event, 'PATCH', '/api/v1/me/profile', body);
    if (!res.ok) {
      const { links: _, ...rest } = body;
      const rename = (name: string) => name.replace(/^links\.(\d+)/, (_, i: string) => `links.${rows[Number(i)] ?? i}`);
      return failFromApi(event, res, { ...rest, ...values } as FormValues, { rename, submitted: data });
    }
    redirect(303, '/settings/profile?saved');
  },
};

/** An unknown choice falls back to the most private one. */
function visibility(value: string): FieldVisibility {
  return oneOf(FIELD_VISIBILITIES, value, 'private');
}

function oneOf<T extends string>(choices: readonly T[], value: string, fallback: T): T {
  return (choices as readonly string[]).includes(value) ? (value as T) : fallback;
}
