import { AppError } from './errors.ts';

/** Keyset cursors: an opaque base64url of the sort key and the id of the last row of a page. */
export function encodeCursor(sortKey: string, id: string): string {
  return Buffer.from(JSON.stringify([sortKey, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { sortKey: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string' && /^[0-9a-f-]{36}$/.test(value[1])) {
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
