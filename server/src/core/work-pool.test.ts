import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { createWorkPool } from './work-pool.ts';

// Bounded work in progress: image processing and page rendering both go through it.

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
};

describe('work pool', () => {
  it('runs at most `size` tasks at once, the others in order as slots free up', async () => {
    const pool = createWorkPool(2, 10, () => new AppError(503, 'rate_limited', 'busy'));
    const gates = [gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) => pool.run(async () => {
      started.push(i);
      await g.opened;
      return i;
    }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    expect([pool.running, pool.waiting]).toEqual([2, 1]);
    gates[1]!.open();
    expect(await runs[1]).toBe(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect([pool.running, pool.waiting]).toEqual([0, 0]);
  });

  it('refuses at once past `maxWaiting` in line, and a failed task gives its slot back', async () => {
    const pool = createWorkPool(1, 1, () => new AppError(503, 'rate_limited', 'busy'));
    const first = gate();
    const running = pool.run(() => first.opened);
    const waiting = pool.run(async () => {
      throw new Error('broken');
    });
    await expect(pool.run(async () => 'never')).rejects.toMatchObject({ status: 503 });
    first.open();
    await running;
    await expect(waiting).rejects.toThrow('broken');
    expect(await pool.run(async () => 'after')).toBe('after');
    expect([pool.running, pool.waiting]).toEqual([0, 0]);
  });
});
