import { redirect } from '@sveltejs/kit';
import type { InvitationInfo, MyGroup } from '@caucus/shared/schemas/groups.ts';
import { api } from '#lib/server/api.ts';
import { failFromApi } from '#lib/server/form.ts';
import { requireMember } from '#lib/server/guards.ts';
import type { Actions, PageServerLoad } from './$types';

const invitationApi = (token: string) => `/api/v1/invitations/${encodeURIComponent(token)}`;

// Opening the link changes nothing (mail scanners open links too): the member presses "accept".
// A visitor is offered to log in or sign up, and comes back here afterwards.
export const load: PageServerLoad = async (event) => {
  const res = await api<InvitationInfo>(event, 'GET', invitationApi(event.params.token));
  const here = encodeURIComponent(event.url.pathname);
  return {
    invitation: res.ok ? res.body : null,
    // Expired, used or unknown: the same answer, which tells nothing about the group.
    invalid: !res.ok && res.status !== 401,
    loginHref: `/login?redirectTo=${here}`,
    signupHref: `/signup?redirectTo=${here}`,
  };
};

export const actions: Actions = {
  default: async (event) => {
    requireMember(event);
    const res = await api<MyGroup>(event, 'POST', `${invitationApi(event.params.token)}/accept`);
    if (res.ok) redirect(303, `/groups/${res.body.group.slug}?membership=accepted`);
    if (res.body.error === 'already_member') {
      // Already in (a second click, another device): the group is where they wanted to go.
      const info = await api<InvitationInfo>(event, 'GET', invitationApi(event.params.token));
      if (info.ok) redirect(303, `/groups/${info.body.group.slug}`);
    }
    return failFromApi(event, res, {}, { fields: [] });
  },
};
