import { AppError } from './errors.ts';

/** Keyset cursors: an opaque base64url of the sort key and the id of the last row of a page. */
export function encodeCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// PostgreSQL's `timestamptz::text` (DateStyle ISO): what the query casts back, so it must parse.
const PG_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-](0\d|1[0-5])(:[0-5]\d){0,2}$/;

function isTimestamp(text: string): boolean {
  const m = PG_TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

/** `timestamp` when the query casts the sort key to timestamptz: a forged one must be a 400, not a database error. */
export function decodeCursor(cursor: string, sortKeyKind: 'text' | 'timestamp' = 'text'): { sortKey: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && UUID.test(value[1])
      && !value[0].includes('\u0000') && (sortKeyKind === 'text' || isTimestamp(value[0]))) {
      return { sortKey: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError(400, 'invalid_cursor', 'This page cursor is invalid: start again from the first page.', {
    cursor: { code: 'invalid_cursor', message: 'Invalid cursor' },
  });
}

/** Splits a `limit + 1` fetch into the page and the cursor of the next one. */
export function paginate<T>(rows: T[], limit: number, keyOf: (row: T) => [string, string]): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const [sortKey, id] = keyOf(items[items.length - 1]!);
  return { items, nextCursor: encodeCursor(sortKey, id) };
}
