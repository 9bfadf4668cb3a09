import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, randomIp, type TestApp } from '../../testing/test-app.ts';
import { accountMailsSent } from './test-helpers.ts';

// Whether an address has an account must not show in how long a request about it takes
// (ARCHITECTURE: "not its status, not its slug, not its timing"). Each test times requests in
// pairs, one for a registered address and one for an unknown one, in random order within the pair,
// so that the machine's load (other tests, other processes) falls on both alike. Then a Wilcoxon
// signed-rank test on the differences within pairs: a failure needs the registered address to be
// slower by more than noise explains once in two thousand runs (z > 3.29), and by a size that is
// not negligible. One-sided, as the leak was.

const PAIRS = 70;
// The per-address limit allows 5 mails an hour: 14 addresses of each kind give 70 requests each.
const ADDRESSES_PER_KIND = PAIRS / 5;
const Z_CRITICAL = 3.29; // one-sided p = 0.0005
// Below this, a difference is too small to read through a network anyway: never a failure.
const FLOOR_MS = 0.25;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createMember(t, { role: 'owner' }); // closes the first-run setup
  // As `caucus serve` runs them: in this process, working while the requests are timed.
  await t.app.jobs.startWorkers();
});
afterAll(() => t.close());

const post = (url: string, email: string) => t.request({ method: 'POST', url, payload: { email }, remoteAddress: randomIp() });

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wilcoxon's signed-rank statistic as a z-score (normal approximation, mid-ranks for ties; zeros dropped). */
function signedRankZ(differences: number[]): number {
  const nonZero = differences.filter((d) => d !== 0).sort((x, y) => Math.abs(x) - Math.abs(y));
  const n = nonZero.length;
  let w = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && Math.abs(nonZero[j + 1]!) === Math.abs(nonZero[i]!)) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) w += Math.sign(nonZero[k]!) * rank;
    i = j + 1;
  }
  return w / Math.sqrt((n * (n + 1) * (2 * n + 1)) / 6);
}

async function timed(send: () => Promise<{ statusCode: number }>, status: number): Promise<number> {
  const started = performance.now();
  const response = await send();
  const elapsed = performance.now() - started;
  expect(response.statusCode).toBe(status);
  return elapsed;
}

/** Registered minus unknown, pair by pair, after a warm-up of both kinds. */
async function timePairs(url: string, known: string[], unknown: string[]) {
  const warmUp = [`warm-a-${randomInt(1e9)}@example.org`, `warm-b-${randomInt(1e9)}@example.org`];
  for (let i = 0; i < 5; i++) for (const email of [known[0]!, ...warmUp]) await post(url, email);
  // The warm-up used the first registered address up to its limit: the pairs use the others.
  const pairs = Array.from({ length: PAIRS }, (_, i) => ({ known: known[1 + (i % ADDRESSES_PER_KIND)]!, unknown: unknown[i % ADDRESSES_PER_KIND]! }));
  // Each request is timed once the mails queued before it are sent: the answer is what is compared
  // here; the job running after a registered address's answer can slow only the next request.
  return timeEach(pairs, async (email) => {
    await accountMailsSent(t, { pollMs: 2 });
    return timed(() => post(url, email), 202);
  });
}

async function timeEach(pairs: Array<{ known: string; unknown: string }>, time: (email: string) => Promise<number>) {
  const times = { known: [] as number[], unknown: [] as number[], differences: [] as number[] };
  for (const pair of pairs) {
    const knownFirst = randomInt(2) === 1;
    const first = await time(knownFirst ? pair.known : pair.unknown);
    const second = await time(knownFirst ? pair.unknown : pair.known);
    const [k, u] = knownFirst ? [first, second] : [second, first];
    times.known.push(k);
    times.unknown.push(u);
    times.differences.push(k - u);
  }
  return times;
}

function expectAlike(label: string, times: { known: number[]; unknown: number[]; differences: number[] }) {
  const difference = median(times.differences);
  const z = signedRankZ(times.differences);
  const summary = { known: median(times.known).toFixed(2), unknown: median(times.unknown).toFixed(2), difference: difference.toFixed(2), z: z.toFixed(2) };
  console.info(`${label}: median ms`, summary);
  expect(z > Z_CRITICAL && difference > FLOOR_MS, `${label}: the registered address answers slower: ${JSON.stringify(summary)}`).toBe(false);
}

describe('account e-mail requests take as long for a registered address as for an unknown one', () => {
  it('password reset: a registered address answers no slower than an unknown one', async () => {
    const known: string[] = [];
    for (let i = 0; i < ADDRESSES_PER_KIND + 1; i++) known.push((await createMember(t, { verified: false })).email);
    const unknown = Array.from({ length: ADDRESSES_PER_KIND }, (_, i) => `personne-${i}-${randomInt(1e9)}@example.org`);
    expectAlike('password reset', await timePairs('/api/v1/auth/password-reset/request', known, unknown));
  });

  it('new verification link: an unverified address answers no slower than an unknown one', async () => {
    const known: string[] = [];
    for (let i = 0; i < ADDRESSES_PER_KIND + 1; i++) known.push((await createMember(t, { verified: false })).email);
    const unknown = Array.from({ length: ADDRESSES_PER_KIND }, (_, i) => `inconnu-${i}-${randomInt(1e9)}@example.org`);
    expectAlike('verification link', await timePairs('/api/v1/auth/resend-verification', known, unknown));
  });
});

describe('login takes as long for a wrong password as for an unknown e-mail', () => {
  it('answers a wrong password for a registered address no slower than an unknown address', async () => {
    // Ten attempts per account and window are allowed to untrusted clients: 3 accounts give 30 pairs.
    const known = [(await createMember(t)).email, (await createMember(t)).email, (await createMember(t)).email];
    const unknown = known.map((_, i) => `absent-${i}-${randomInt(1e9)}@example.org`);
    const tryLogin = (email: string) => t.request({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: 'Pas-Le-Bon-Mot-2026' }, remoteAddress: randomIp() });
    for (let i = 0; i < 3; i++) await tryLogin(`warm-${i}-${randomInt(1e9)}@example.org`);
    const pairs = Array.from({ length: 30 }, (_, i) => ({ known: known[i % 3]!, unknown: unknown[i % 3]! }));
    expectAlike('login', await timeEach(pairs, (email) => timed(() => tryLogin(email), 401)));
  });
});
