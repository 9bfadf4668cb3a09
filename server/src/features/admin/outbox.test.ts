import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '#core/cursor.ts';
import { createMember, createTestApp, randomIp, type TestApp } from '../../testing/test-app.ts';
import { accountMailsSent } from '../accounts/test-helpers.ts';

let t: TestApp;
let admin: string;
let recipients: string[];
beforeAll(async () => {
  t = await createTestApp();
  admin = (await createMember(t, { role: 'admin' })).token;
  recipients = await Promise.all([createMember(t), createMember(t), createMember(t)].map(async (m) => (await m).email));
  for (const email of [...recipients, ...recipients, recipients[0]!]) {
    await t.request({ method: 'POST', url: '/api/v1/auth/password-reset/request', payload: { email }, remoteAddress: randomIp() });
    await accountMailsSent(t); // one at a time: the outbox order is the order of the requests
  }
});
afterAll(() => t.close());

interface Mail { id: string; to: string; subject: string; text: string; createdAt: string }
const outbox = async (query: string, as = admin) => {
  const response = await t.request({ url: `/api/v1/admin/outbox${query}`, as });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { mails: Mail[]; nextCursor: string | null };
};

describe('outbox', () => {
  it('is readable by admins only', async () => {
    for (const role of ['member', 'moderator'] as const) {
      const response = await t.request({ url: '/api/v1/admin/outbox', as: (await createMember(t, { role })).token });
      expect(response.statusCode).toBe(403);
      expect(response.json().error).toBe('forbidden');
    }
    expect((await t.request({ url: '/api/v1/admin/outbox' })).statusCode).toBe(401);
    const owner = await createMember(t, { role: 'owner' });
    expect((await t.request({ url: '/api/v1/admin/outbox', as: owner.token })).statusCode).toBe(200);
  });

  it('shows each mail with its link, newest first', async () => {
    const { mails } = await outbox('?limit=100');
    expect(mails).toHaveLength(7);
    expect(mails[0]).toMatchObject({ to: recipients[0], subject: expect.stringMatching(/mot de passe|password/i), text: expect.stringContaining('/reset-password?token=') });
    const times = mails.map((m) => m.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('filters by address, in any case', async () => {
    const { mails } = await outbox(`?to=${encodeURIComponent(recipients[0]!.toUpperCase())}`);
    expect(mails).toHaveLength(3);
    expect(new Set(mails.map((m) => m.to))).toEqual(new Set([recipients[0]]));
    expect((await outbox('?to=nobody@example.org')).mails).toEqual([]);
  });

  it('pages through everything as one full read does, with and without a filter', async () => {
    for (const filter of ['', `&to=${encodeURIComponent(recipients[1]!)}`]) {
      const full = await outbox(`?limit=100${filter}`);
      const paged: Mail[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof outbox>> = await outbox(`?limit=2${filter}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.mails.length).toBeLessThanOrEqual(2);
        paged.push(...page.mails);
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(full.mails);
      expect(new Set(paged.map((m) => m.id)).size).toBe(paged.length);
    }
  });

  it('refuses a malformed or forged cursor', async () => {
    for (const cursor of ['%%%', encodeCursor('tomorrow', '0190a3b4-0000-7000-8000-000000000000')]) {
      const response = await t.request({ url: `/api/v1/admin/outbox?cursor=${cursor}`, as: admin });
      expect(response.statusCode).toBe(400);
      expect(response.json().fields.cursor.code).toBe('invalid_cursor');
    }
  });
});
