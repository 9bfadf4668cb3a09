export interface WorkPool {
  /** Runs the task when a slot is free; refuses at once (503) when the line is already full. */
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

/**
 * At most `size` tasks at once, at most `maxWaiting` in line; past that, `busy()` is thrown at
 * once. Bounded work in progress bounds the memory it holds, and a burst of one kind of work
 * (image processing, page rendering) slows that work, not the rest.
 */
export function createWorkPool(size: number, maxWaiting: number, busy: () => Error): WorkPool {
  let running = 0;
  const line: Array<() => void> = [];

  return {
    async run(task) {
      if (running < size) {
        running += 1;
      } else {
        if (line.length >= maxWaiting) throw busy();
        // The finishing task hands its slot over: `running` does not change.
        await new Promise<void>((resolve) => line.push(resolve));
      }
      try {
        return await task();
      } finally {
        const waiter = line.shift();
        if (waiter) waiter();
        else running -= 1;
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return line.length;
    },
  };
}
