import { ApiError } from '@caucus/shared/errors.ts';

/** The error responses a route documents, all with the one error body. */
export function errorResponses(...statuses: number[]): Record<number, typeof ApiError> {
  return Object.fromEntries(statuses.map((status) => [status, ApiError]));
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505' &&
  (constraint === undefined || (error as { constraint?: string }).constraint === constraint);
