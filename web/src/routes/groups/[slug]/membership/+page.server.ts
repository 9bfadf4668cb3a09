import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Membership } from '@caucus/shared/schemas/groups.ts';
import { api, withQuery, type ApiFailure } from '#lib/server/api.ts';
import { loginPath, requireMember } from '#lib/server/guards.ts';
import { text } from '#lib/server/form.ts';
import { m } from '#lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

// The header's join / request / cancel / accept / decline / leave buttons post here; the group's
// page says how it went (`?membership=` or `?membership_error=`). A GET has nothing to show.
export const load: PageServerLoad = ({ params }) => redirect(303, `/groups/${encodeURIComponent(params.slug)}`);

const groupPath = (slug: string) => `/groups/${encodeURIComponent(slug)}`;
const apiPath = (slug: string, rest: string) => `/api/v1/groups/${encodeURIComponent(slug)}/${rest}`;

function failed(event: RequestEvent, res: ApiFailure): never {
  if (res.status === 401) redirect(303, loginPath(new URL(groupPath(event.params.slug!), event.url)));
  // Not there, or not for this member to know of: the same page as any unknown group.
  if (res.status === 404) error(404, m.error_page_404_text());
  redirect(303, withQuery(groupPath(event.params.slug!), { membership_error: res.body.error }));
}

export const actions: Actions = {
  join: async (event) => {
    requireMember(event);
    const res = await api<Membership>(event, 'POST', apiPath(event.params.slug, 'join'));
    if (!res.ok) failed(event, res);
    redirect(303, withQuery(groupPath(event.params.slug), { membership: res.body.state === 'active' ? 'joined' : 'requested' }));
  },
  accept: async (event) => {
    requireMember(event);
    const res = await api(event, 'POST', apiPath(event.params.slug, 'invitation/accept'));
    if (!res.ok) failed(event, res);
    redirect(303, withQuery(groupPath(event.params.slug), { membership: 'accepted' }));
  },
  /** Leaving, cancelling a request and declining an invitation are one act for the API. */
  leave: async (event) => {
    requireMember(event);
    const was = text(await event.request.formData(), 'state');
    const res = await api(event, 'POST', apiPath(event.params.slug, 'leave'));
    if (!res.ok) failed(event, res);
    const outcome = was === 'pending' ? 'cancelled' : was === 'invited' ? 'declined' : 'left';
    // A secret group is gone from sight once left: back to the directory.
    const still = await api(event, 'GET', `/api/v1/groups/${encodeURIComponent(event.params.slug)}`);
    redirect(303, still.ok ? withQuery(groupPath(event.params.slug), { membership: outcome }) : '/groups');
  },
};
