/**
 * Writes that add up, coalesced per key: at most one write per key in flight in this process;
 * what arrives meanwhile is combined and written by the next one. So a burst on one hot row (a
 * group's post count, a forum category's counters) costs a few statements, not one each, and a
 * request waits in Node rather than on a row lock holding a connection. Each `add` resolves once
 * a write that includes it has committed, or rejects with that write's error.
 */
export interface CoalescedWrites<T> {
  add(key: string, value: T): Promise<void>;
}

interface Pending<T> {
  value: T;
  waiters: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

export function createCoalescedWrites<T>(combine: (earlier: T, later: T) => T, write: (key: string, value: T) => Promise<void>): CoalescedWrites<T> {
  const inFlight = new Set<string>();
  const pending = new Map<string, Pending<T>>();

  async function flush(key: string): Promise<void> {
    const batch = pending.get(key);
    if (!batch) return;
    pending.delete(key);
    inFlight.add(key);
    try {
      await write(key, batch.value);
      for (const waiter of batch.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
    } finally {
      inFlight.delete(key);
      if (pending.has(key)) void flush(key);
    }
  }

  return {
    add(key, value) {
      return new Promise<void>((resolve, reject) => {
        const batch = pending.get(key);
        if (batch) {
          batch.value = combine(batch.value, value);
          batch.waiters.push({ resolve, reject });
        } else {
          pending.set(key, { value, waiters: [{ resolve, reject }] });
        }
        if (!inFlight.has(key)) void flush(key);
      });
    },
  };
}
