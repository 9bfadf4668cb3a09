import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

declare module './jobs.ts' {
  interface JobPayloads {
    'test.echo': { value: number };
    'test.slow': { ms: number };
    'test.idle': Record<string, never>;
    'test.flaky': { value: number };
  }
}

const until = async (check: () => boolean, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('job queue', () => {
  let t: TestApp;
  const done: number[] = [];
  const slow: string[] = [];
  const attempts: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    t.app.jobs.work('test.echo', async (data) => {
      done.push(data.value);
    }, { pollingIntervalSeconds: 0.5 });
    t.app.jobs.work('test.slow', async ({ ms }) => {
      slow.push('started');
      await new Promise((resolve) => setTimeout(resolve, ms));
      slow.push('finished');
    }, { pollingIntervalSeconds: 0.5 });
    t.app.jobs.work('test.flaky', async ({ value }, job) => {
      attempts.push(`${value}:${job.retryCount}`);
      if (value === 1 && job.retryCount === 0) throw new Error('the mail server is away');
    }, { pollingIntervalSeconds: 0.5 });
    await t.app.jobs.startWorkers();
  });
  afterAll(async () => t?.close());

  it('runs a queued job in the worker, with its data', async () => {
    const id = await t.app.jobs.send('test.echo', { value: 42 });
    expect(id).toEqual(expect.any(String));
    await until(() => done.includes(42));
  });

  it('runs every job once, whatever the order they arrive in', async () => {
    await Promise.all([1, 2, 3, 4, 5].map((value) => t.app.jobs.send('test.echo', { value: 100 + value })));
    await until(() => [101, 102, 103, 104, 105].every((v) => done.includes(v)));
    expect(done.filter((v) => v > 100 && v < 106)).toHaveLength(5);
  });

  it('retries a failed job, and its failure does not fail the jobs fetched with it', async () => {
    await Promise.all([1, 2, 3].map((value) => t.app.jobs.send('test.flaky', { value }, { retryLimit: 2, retryDelay: 0 })));
    await until(() => attempts.includes('1:1'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(attempts.sort()).toEqual(['1:0', '1:1', '2:0', '3:0']);
  });

  it(`refuses a worker declared once the workers run`, () => {
    expect(() => t.app.jobs.work('test.echo', async () => {})).toThrow(/before the workers start/);
  });

  it(`leaves the app's own queries room while the workers poll (on PGlite: one connection)`, async () => {
    const own = await createTestApp();
    try {
      /** Request latencies over at least `ms`, sorted. */
      const timeRequests = async (ms: number) => {
        const timings: number[] = [];
        const until = Date.now() + ms;
        while (Date.now() < until || timings.length < 20) {
          const before = performance.now();
          const response = await own.request({ method: 'GET', url: '/api/v1/page-context' });
          expect(response.statusCode).toBe(200);
          timings.push(performance.now() - before);
        }
        return timings.sort((a, b) => a - b);
      };
      const median = (timings: number[]) => timings[Math.floor(timings.length / 2)]!;
      await timeRequests(200); // warm up
      const quiet = await timeRequests(1500);
      // Eight workers polling every half second, and the queue's own maintenance.
      own.app.jobs.work('test.idle', async () => {}, { pollingIntervalSeconds: 0.5, localConcurrency: 8 });
      await own.app.jobs.startWorkers();
      const polling = await timeRequests(1500);
      // A poll costs a short query now and then; a request never waits out a poll interval.
      // (Loose bounds: the machine is shared.)
      expect(median(polling)).toBeLessThan(median(quiet) * 2 + 20);
      expect(Math.max(...polling)).toBeLessThan(Math.max(...quiet) + 400);
    } finally {
      await own.close();
    }
  });

  it('lets a running job finish when the app closes, then takes no new work', async () => {
    const own = await createTestApp();
    const events: string[] = [];
    own.app.jobs.work('test.slow', async ({ ms }) => {
      events.push('started');
      await new Promise((resolve) => setTimeout(resolve, ms));
      events.push('finished');
    }, { pollingIntervalSeconds: 0.5 });
    await own.app.jobs.startWorkers();
    await own.app.jobs.send('test.slow', { ms: 800 });
    await until(() => events.includes('started'));
    const closing = Date.now();
    await own.close();
    expect(events).toEqual(['started', 'finished']);
    expect(Date.now() - closing).toBeLessThan(5000);
    await expect(own.app.jobs.send('test.echo', { value: 1 })).rejects.toThrow(/closing/);
  });
});
