// Timing for the timeline bench, in process and straight on the pool (no HTTP): `clients` loops each
// running one statement after another for a bounded time, as that many request handlers would.
import { percentile } from './lib.ts';

/** Seconds each contender is measured, in one-second turns. */
export const LOAD_SECONDS = Number(process.env.TIMELINE_SECONDS ?? 4);
/** Discarded: every connection of the pool prepares its statements (and warms the cache) first. */
const WARM_UP_SECONDS = 1;

export interface LoadFigure { clients: number; perSecond: number; p50Ms: number; p99Ms: number; requests: number }
export interface TimedFigure { count: number; p50Ms: number; p99Ms: number }

const round = (ms: number) => Math.round(ms * 100) / 100;

/** `clients` loops running `once` back to back until the deadline: each run's latency, and the time the window took. */
async function loop(clients: number, seconds: number, once: () => Promise<unknown>): Promise<{ latencies: number[]; elapsedMs: number }> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      await once();
      latencies.push(performance.now() - begun);
    }
  }));
  return { latencies, elapsedMs: performance.now() - started };
}

/**
 * Throughput and latency of each contender under `clients` concurrent loops. The cores are shared
 * with other work whose load drifts, so the contenders take turns, one second each, LOAD_SECONDS
 * times over: each meets the same machine. The pool must allow `clients` connections.
 */
export async function compareUnderLoad<K extends string>(clients: number, contenders: Record<K, () => Promise<unknown>>): Promise<Record<K, LoadFigure>> {
  const names = Object.keys(contenders) as K[];
  for (const name of names) await loop(clients, WARM_UP_SECONDS, contenders[name]);
  const runs = new Map(names.map((name) => [name, { latencies: [] as number[], elapsedMs: 0 }]));
  for (let round = 0; round < LOAD_SECONDS; round++) {
    for (const name of names) {
      const window = await loop(clients, 1, contenders[name]);
      const run = runs.get(name)!;
      run.latencies.push(...window.latencies);
      run.elapsedMs += window.elapsedMs;
    }
  }
  return Object.fromEntries(names.map((name) => {
    const { latencies, elapsedMs } = runs.get(name)!;
    latencies.sort((a, b) => a - b);
    const figure: LoadFigure = { clients, perSecond: Math.round(latencies.length / (elapsedMs / 1000)), p50Ms: round(percentile(latencies, 50)), p99Ms: round(percentile(latencies, 99)), requests: latencies.length };
    return [name, figure];
  })) as Record<K, LoadFigure>;
}

/** The count and percentiles of latencies timed one by one (writes that must not overlap). */
export function summarize(latencies: number[]): TimedFigure {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: round(performance.now() - started), value };
}
