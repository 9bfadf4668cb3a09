import { hash, verify } from '@node-rs/argon2';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { LIMITS } from '@caucus/shared/constants.ts';
import { fieldError } from './errors.ts';

// argon2id with the library's defaults (19 MiB, 2 passes): OWASP's recommended floor.
export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A fixed hash to verify against when no account matches, so a wrong e-mail costs as long as a wrong password.
let decoyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  decoyHash ??= hash('caucus-decoy-password-never-matches');
  await verifyPassword(await decoyHash, password);
}

// The dictionaries take some 15 MB of memory: loaded when a password is first chosen, not at start.
let zxcvbn: Promise<ZxcvbnFactory> | undefined;
function passwordChecker(): Promise<ZxcvbnFactory> {
  zxcvbn ??= (async () => {
    const [{ ZxcvbnFactory: Factory }, common, french] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-fr')]);
    return new Factory({ dictionary: { ...common.dictionary, ...french.dictionary }, graphs: common.adjacencyGraphs });
  })();
  return zxcvbn;
}

/**
 * Refuses short, common and easily guessed passwords (zxcvbn with English and French
 * dictionaries, plus the member's own name, handle and e-mail). Throws a field error on `field`.
 */
export async function assertStrongPassword(password: string, userInputs: string[], field = 'password'): Promise<void> {
  if (password.length < LIMITS.passwordMin) {
    throw fieldError(400, field, 'too_short', `Must be at least ${LIMITS.passwordMin} characters`, { min: LIMITS.passwordMin });
  }
  const result = (await passwordChecker()).check(password.slice(0, 100), userInputs.filter(Boolean));
  const wholeIsCommon = result.sequence.length === 1 && result.sequence[0]?.pattern === 'dictionary';
  if (wholeIsCommon) {
    throw fieldError(400, field, 'common_password', 'This password is among the most common ones: choose another');
  }
  if (result.score < 3) {
    throw fieldError(400, field, 'weak_password', 'This password is too easy to guess: add words, digits or symbols');
  }
}
