// Turns the API's machine-readable error codes into sentences in the visitor's language.
// The API's English message is the fallback for a code this catalogue does not know yet.
import type { FieldError } from '@caucus/shared/errors.ts';
import { m } from '#lib/paraglide/messages.js';

type Params = FieldError['params'];

const SIMPLE: Record<string, () => string> = {
  invalid_input: m.error_invalid_input,
  required: m.error_required,
  unknown_field: m.error_invalid_value,
  wrong_type: m.error_invalid_value,
  invalid_format: m.error_invalid_format,
  invalid_choice: m.error_invalid_choice,
  out_of_range: m.error_invalid_value,
  invalid_email: m.error_invalid_email,
  invalid_handle: m.error_invalid_handle,
  invalid_url: m.error_invalid_url,
  invalid_color: m.error_invalid_color,
  weak_password: m.error_weak_password,
  common_password: m.error_common_password,
  email_taken: m.error_email_taken,
  handle_taken: m.error_handle_taken,
  invalid_token: m.error_invalid_token,
  invalid_credentials: m.error_invalid_credentials,
  email_not_verified: m.error_email_not_verified,
  consent_required: m.error_consent_required,
  wrong_password: m.error_wrong_password,
  invalid_cursor: m.error_invalid_cursor,
  rate_limited: m.error_rate_limited,
  unauthenticated: m.error_unauthenticated,
  forbidden: m.error_forbidden,
  not_found: m.error_not_found,
  conflict: m.error_conflict,
  setup_done: m.error_setup_done,
  setup_required: m.error_setup_required,
  last_owner: m.error_last_owner,
  payload_too_large: m.error_payload_too_large,
  unsupported_media_type: m.error_unsupported_media_type,
  foreign_origin: m.error_foreign_origin,
  internal: m.error_internal,
  database_unavailable: m.error_unavailable,
  disk_full: m.error_disk_full,
  // Groups and membership
  slug_taken: m.group_error_slug_taken,
  secret_slug: m.group_error_secret_slug,
  unknown_territory: m.territory_not_found,
  already_member: m.group_error_already_member,
  already_requested: m.group_error_already_requested,
  already_invited: m.group_error_already_invited,
  not_a_member: m.group_error_not_a_member,
  banned: m.group_error_banned,
  last_organizer: m.group_error_last_organizer,
  invitation_only: m.group_error_invitation_only,
  not_pending: m.group_error_not_pending,
  not_invited: m.group_error_not_invited,
  invalid_invitation: m.invitation_invalid,
  group_creation_restricted: m.group_new_restricted,
  // Walls, posts and follows
  not_allowed_on_wall: m.wall_error_not_allowed,
  reply_depth: m.comment_error_reply_depth,
  deleted: m.post_error_deleted,
  already_following: m.follow_error_already,
  not_following: m.follow_error_not_following,
  cannot_follow_self: m.follow_error_self,
};

export function errorText(code: string, message: string, params?: Params, field?: string): string {
  if (field === 'postalCode' && code === 'invalid_format') return m.error_postal_code();
  const min = params?.min ?? params?.minLength;
  const max = params?.max ?? params?.maxLength;
  if (code === 'too_short' && min !== undefined) return m.error_too_short({ min });
  if (code === 'too_long' && max !== undefined) return m.error_too_long({ max });
  if (code === 'too_many' && max !== undefined) return m.error_too_many({ max });
  if (code === 'weak_password' && typeof params?.suggestion === 'string' && params.suggestion) {
    return `${m.error_weak_password()} ${params.suggestion}`;
  }
  return SIMPLE[code]?.() ?? message;
}
