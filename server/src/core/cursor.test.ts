import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, paginate } from './cursor.ts';

const ID = '01938a3c-7f00-7abc-8def-0123456789ab';
const raw = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursor', () => {
  it('round-trips a sort key and an id, and stays opaque and URL-safe', () => {
    const cursor = encodeCursor('2026-05-01 10:00:00.123456+00', ID);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ sortKey: '2026-05-01 10:00:00.123456+00', id: ID });
  });

  it.each([
    ['garbage', '%%%'],
    ['empty', ''],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['an object', raw({ sortKey: 'a', id: ID })],
    ['one element', raw(['a'])],
    ['three elements', raw(['a', ID, 'b'])],
    ['a number as sort key', raw([1, ID])],
    ['an id that is not a UUID', raw(['a', 'not-an-id'])],
    ['an id of 36 dashes', raw(['a', '-'.repeat(36)])],
    ['an id with a SQL tail', raw(['a', `${ID}'--`])],
  ])('refuses %s with a 400 invalid_cursor', (_what, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ status: 400, code: 'invalid_cursor' }));
  });

  it('refuses a timestamp sort key that is not a timestamp, when asked to check', () => {
    const ok = encodeCursor('2026-05-01 10:00:00.123456+00', ID);
    expect(decodeCursor(ok, 'timestamp').sortKey).toBe('2026-05-01 10:00:00.123456+00');
    expect(decodeCursor(encodeCursor('2024-02-29 23:59:59-09:30', ID), 'timestamp').sortKey).toBe('2024-02-29 23:59:59-09:30');
    const forged = ['yesterday', 'infinity', '2026-13-01 10:00:00+00', '2026-02-30 10:00:00+00', '2025-02-29 10:00:00+00', '0000-01-01 10:00:00+00', '2026-05-01 25:00:00+00', '2026-05-01 10:60:00+00', '2026-05-01 10:00:00+99', "2026-05-01'; --"];
    for (const sortKey of forged) {
      expect(() => decodeCursor(encodeCursor(sortKey, ID), 'timestamp')).toThrow(expect.objectContaining({ code: 'invalid_cursor' }));
    }
  });

  it('paginates a limit + 1 fetch: a next cursor only when a row is left over', () => {
    const rows = ['a', 'b', 'c'].map((key, i) => ({ key, id: ID.replace(/b$/, String(i)) }));
    const keyOf = (row: (typeof rows)[number]): [string, string] => [row.key, row.id];
    expect(paginate(rows, 3, keyOf)).toEqual({ items: rows, nextCursor: null });
    const page = paginate(rows, 2, keyOf);
    expect(page.items).toEqual(rows.slice(0, 2));
    expect(decodeCursor(page.nextCursor!)).toEqual({ sortKey: 'b', id: rows[1]!.id });
  });
});
