// The forums' own refusals, in the member's words; every other failure as on any form (failFromApi).
import type { ActionFailure, RequestEvent } from '@sveltejs/kit';
import { LIMITS } from '@caucus/shared/constants.ts';
import type { ApiFailure } from '#lib/server/api.ts';
import { failFromApi, failWith, type FormFailure, type FormValues } from '#lib/server/form.ts';
import { m } from '#lib/paraglide/messages.js';

const FORUM_ERRORS: Record<string, () => string> = {
  thread_closed: m.forum_error_thread_closed,
  thread_archived: m.forum_error_thread_archived,
  slow_mode: m.forum_error_slow_mode,
  not_allowed_in_category: m.forum_error_cannot_start,
  not_allowed_in_thread: m.forum_error_cannot_reply,
  too_many: () => m.forum_error_too_many_categories({ max: LIMITS.forumCategoriesPerForum }),
};

export function forumFailure(
  event: RequestEvent,
  res: ApiFailure,
  values: FormValues,
  options: { form: string; fields: readonly string[]; submitted?: FormData },
): ActionFailure<FormFailure> {
  const text = res.body.fields ? undefined : FORUM_ERRORS[res.body.error];
  if (text) return failWith(res.status, values, text(), options.form);
  return failFromApi(event, res, values, options);
}
