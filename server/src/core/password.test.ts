import { describe, expect, it } from 'vitest';
import { assertStrongPassword, burnPasswordCheck, hashPassword, verifyPassword } from './password.ts';

const refusal = async (password: string, inputs: string[] = [], field?: string) => {
  try {
    await assertStrongPassword(password, inputs, field);
  } catch (error) {
    return error as { status: number; code: string; fields: Record<string, { code: string }> };
  }
  return null;
};

describe('password strength', () => {
  it('accepts a long passphrase', async () => {
    expect(await refusal('Tulipe-Rouge-2027!')).toBeNull();
    expect(await refusal('correct horse battery staple')).toBeNull();
  });

  it('refuses under 10 characters as too_short, on the given field', async () => {
    const error = await refusal('Ab1!xyz', [], 'newPassword');
    expect(error).toMatchObject({ status: 400, code: 'too_short' });
    expect(error?.fields.newPassword).toMatchObject({ code: 'too_short', params: { min: 10 } });
  });

  it.each(['motdepasse', 'qwertyuiop', '1234567890'])('refuses the common password %s as common_password', async (password) => {
    expect((await refusal(password))?.fields.password?.code).toBe('common_password');
  });

  it.each(['password1234', 'motdepasse123', 'Motdepasse1', 'azertyuiop', 'soleil2024', 'aaaaaaaaaaaa'])('refuses the guessable %s as weak_password', async (password) => {
    expect((await refusal(password))?.fields.password?.code).toBe('weak_password');
  });

  it("refuses the member's own e-mail or handle as a password", async () => {
    expect(await refusal('nora.petit@example.org', ['nora.petit@example.org'])).not.toBeNull();
    expect(await refusal('nora_petit_2', ['nora_petit_2'])).not.toBeNull();
  });
});

describe('password hashing', () => {
  it('hashes with argon2id and verifies only the same password', async () => {
    const hash = await hashPassword('Tulipe-Rouge-2027!');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'Tulipe-Rouge-2027!')).toBe(true);
    expect(await verifyPassword(hash, 'tulipe-rouge-2027!')).toBe(false);
  });

  it('answers false, not an exception, for a malformed hash', async () => {
    expect(await verifyPassword('not-a-hash', 'x')).toBe(false);
  });

  it('burns a check without matching anything', async () => {
    await expect(burnPasswordCheck('caucus-decoy-password-never-matches')).resolves.toBeUndefined();
  });
});
