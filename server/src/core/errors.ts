import type { ErrorCode, FieldError } from '@caucus/shared/errors.ts';

/** A failure the caller can act on; the error handler turns it into a 4xx JSON body. */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: Record<string, FieldError> | undefined;

  constructor(status: number, code: ErrorCode, message: string, fields?: Record<string, FieldError>) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export const notFound = (what = 'This page') => new AppError(404, 'not_found', `${what} does not exist, or you may not see it.`);
export const unauthenticated = () => new AppError(401, 'unauthenticated', 'Log in to continue.');
export const forbidden = (message = 'You may not do this.') => new AppError(403, 'forbidden', message);

/** A 4xx tied to one field of the form. */
export function fieldError(status: number, field: string, code: ErrorCode, message: string, params?: FieldError['params']): AppError {
  return new AppError(status, code, message, { [field]: { code, message, ...(params ? { params } : {}) } });
}
