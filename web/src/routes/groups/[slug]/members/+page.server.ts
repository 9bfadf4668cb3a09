import { redirect, type RequestEvent } from '@sveltejs/kit';
import { GROUP_ROLES, GROUP_INVITATION_DAYS, type GroupMemberState, type GroupRole } from '@caucus/shared/constants.ts';
import type { GroupMemberPage, InviteBody } from '@caucus/shared/schemas/groups.ts';
import { api, withQuery, type ApiMethod } from '#lib/server/api.ts';
import { failFromApi, failWith, text } from '#lib/server/form.ts';
import { expectOk, requireMember } from '#lib/server/guards.ts';
import { m } from '#lib/paraglide/messages.js';
import type { Actions, PageServerLoad } from './$types';

/** Each list pages on its own cursor: `?cursor=` for the roster, `?pending=` and so on for the others. */
const CURSOR_PARAMS = { active: 'cursor', pending: 'pending', invited: 'invited', banned: 'banned' } as const satisfies Record<GroupMemberState, string>;

// The roster for whoever may read the group; requests, invitations and bans for its moderators.
export const load: PageServerLoad = async (event) => {
  const { group } = await event.parent();
  const base = `/api/v1/groups/${encodeURIComponent(event.params.slug)}/members`;
  const list = async (state: GroupMemberState) => {
    const cursor = event.url.searchParams.get(CURSOR_PARAMS[state]) ?? '';
    const res = await api<GroupMemberPage>(event, 'GET', withQuery(base, { state, cursor }));
    return { ...expectOk(event, res), cursor };
  };
  const moderated = group.viewer.canModerate;
  const [active, pending, invited, banned] = await Promise.all([
    list('active'),
    moderated ? list('pending') : null,
    moderated ? list('invited') : null,
    moderated ? list('banned') : null,
  ]);
  return {
    active,
    pending,
    invited,
    banned,
    cursors: Object.fromEntries(Object.values(CURSOR_PARAMS).map((name) => [name, event.url.searchParams.get(name) ?? ''])),
    done: event.url.searchParams.get('done'),
    who: event.url.searchParams.get('who'),
    invitationDays: GROUP_INVITATION_DAYS,
  };
};

const membersPath = (event: RequestEvent) => `/groups/${encodeURIComponent(event.params.slug!)}/members`;
const memberApi = (event: RequestEvent, handle: string, rest = '') =>
  `/api/v1/groups/${encodeURIComponent(event.params.slug!)}/members/${encodeURIComponent(handle)}${rest}`;

/** One act on one member: call the API, then back to the list with what was done, or the error on that row. */
async function actOnMember(event: RequestEvent, action: string, method: ApiMethod, rest: string, toBody?: (data: FormData) => unknown) {
  requireMember(event);
  const data = await event.request.formData();
  const handle = text(data, 'handle');
  const form = `${action}:${handle}`;
  if (!handle) return failWith(400, {}, m.error_invalid_input(), form);
  const res = await api(event, method, memberApi(event, handle, rest), toBody?.(data));
  if (!res.ok) return failFromApi(event, res, {}, { form, fields: [] });
  redirect(303, withQuery(membersPath(event), { done: action, who: handle }));
}

export const actions: Actions = {
  invite: async (event) => {
    requireMember(event);
    const data = await event.request.formData();
    const invitee = text(data, 'invitee');
    // "@lea" or "lea" is a member's handle; anything with an @ inside is an e-mail address.
    const bare = invitee.replace(/^@/, '');
    const body: InviteBody = bare.includes('@') ? { email: bare } : { handle: bare };
    const res = await api(event, 'POST', `/api/v1/groups/${encodeURIComponent(event.params.slug)}/invitations`, body);
    if (!res.ok) {
      return failFromApi(event, res, { invitee }, { form: 'invite', fields: ['invitee'], rename: () => 'invitee', submitted: data });
    }
    redirect(303, withQuery(membersPath(event), { done: 'email' in body ? 'invited_email' : 'invited', who: bare }));
  },
  approve: (event) => actOnMember(event, 'approve', 'POST', '/approve'),
  refuse: (event) => actOnMember(event, 'refuse', 'POST', '/refuse'),
  remove: (event) => actOnMember(event, 'remove', 'DELETE', ''),
  ban: (event) => actOnMember(event, 'ban', 'POST', '/ban'),
  unban: (event) => actOnMember(event, 'unban', 'DELETE', '/ban'),
  role: (event) =>
    actOnMember(event, 'role', 'PATCH', '', (data: FormData) => {
      const role = text(data, 'role');
      // An unknown role goes to the API as is: it answers which values it takes.
      return { role: (GROUP_ROLES as readonly string[]).includes(role) ? (role as GroupRole) : role };
    }),
};
