import { Type, type Static } from 'typebox';
import { FIELD_VISIBILITIES, LIMITS, NETWORK_ROLES } from '../constants.ts';

export const Uuid = Type.String({ format: 'uuid' });
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: LIMITS.emailMax });
export const Password = Type.String({ minLength: LIMITS.passwordMin, maxLength: LIMITS.passwordMax });
export const Handle = Type.String({
  minLength: LIMITS.handleMin,
  maxLength: LIMITS.handleMax,
  pattern: '^[a-zA-Z0-9_]+$',
  description: 'Letters, digits and underscores; unique, case-insensitive.',
});
export const DisplayName = Type.String({ minLength: 1, maxLength: LIMITS.displayNameMax });
export const Visibility = Type.Enum(FIELD_VISIBILITIES);
export const NetworkRole = Type.Enum(NETWORK_ROLES);
export const Timestamp = Type.String({ format: 'date-time' });
export const Cursor = Type.String({ maxLength: 200, description: 'Opaque cursor from `nextCursor`.' });
export const PageLimit = Type.Integer({ minimum: 1, maximum: LIMITS.pageSizeMax });

export const Ok = Type.Object({ ok: Type.Literal(true) });
export type Ok = Static<typeof Ok>;
