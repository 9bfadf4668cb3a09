import { Type, type Static } from 'typebox';

/** Machine-readable codes the web maps to its own translated messages. */
export const ERROR_CODES = [
  'invalid_input', 'required', 'unknown_field', 'wrong_type', 'too_short', 'too_long', 'invalid_format',
  'invalid_email', 'invalid_handle', 'invalid_url', 'invalid_color', 'weak_password', 'common_password',
  'email_taken', 'handle_taken', 'invalid_token', 'invalid_credentials', 'email_not_verified',
  'consent_required', 'wrong_password', 'invalid_cursor', 'rate_limited', 'unauthenticated', 'forbidden',
  'not_found', 'conflict', 'setup_done', 'setup_required', 'last_owner', 'payload_too_large',
  'unsupported_media_type', 'foreign_origin', 'invalid_choice', 'too_many', 'out_of_range', 'internal',
  'slug_taken', 'secret_slug', 'unknown_territory', 'already_member', 'already_requested', 'already_invited', 'not_a_member',
  'banned', 'last_organizer', 'invitation_only', 'not_pending', 'not_invited', 'invalid_invitation', 'already_following',
  'not_following', 'cannot_follow_self', 'group_creation_restricted', 'not_allowed_on_wall', 'reply_depth', 'deleted',
  'quota_exceeded', 'thread_closed', 'thread_archived', 'not_allowed_in_category', 'not_allowed_in_thread', 'slow_mode', 'would_expose',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const FieldError = Type.Object({
  code: Type.String(),
  message: Type.String(),
  params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
});
export type FieldError = Static<typeof FieldError>;

export const ApiError = Type.Object({
  error: Type.String({ description: 'A stable machine-readable code, e.g. `invalid_input`.' }),
  message: Type.String({ description: 'What went wrong and what to do, in plain English.' }),
  fields: Type.Optional(Type.Record(Type.String(), FieldError)),
});
export type ApiError = Static<typeof ApiError>;
