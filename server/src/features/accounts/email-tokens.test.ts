import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '#core/tokens.ts';
import { createMember, createTestApp, type TestApp } from '../../testing/test-app.ts';
import { insertEmailToken } from './queries.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('e-mail links', () => {
  it('a new link replaces the previous ones, even when several are asked at the same moment', async () => {
    const member = await createMember(t);
    await Promise.all(Array.from({ length: 12 }, () => insertEmailToken(t.db.db, generateToken(), { memberId: member.id, purpose: 'reset_password', email: member.email, ttlMinutes: 60 })));
    const valid = await t.db.db.selectFrom('email_tokens').select('id').where('member_id', '=', member.id).where('purpose', '=', 'reset_password').where('used_at', 'is', null).execute();
    expect(valid).toHaveLength(1);
  });
});
