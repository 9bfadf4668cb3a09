import { AppError } from '#core/errors.ts';

export interface WorkPool {
  /** Runs the task when a slot is free; refuses at once (503) when the line is already full. */
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

/**
 * At most `size` tasks at once, at most `maxWaiting` in line. Image processing is CPU work that
 * libvips does off the event loop; bounding it leaves the other cores to the API, so a burst of
 * uploads slows the uploads, not the feed.
 */
export function createWorkPool(size: number, maxWaiting: number): WorkPool {
  let running = 0;
  const line: Array<() => void> = [];

  return {
    async run(task) {
      if (running < size) {
        running += 1;
      } else {
        if (line.length >= maxWaiting) throw new AppError(503, 'rate_limited', 'The server is busy with other images: try again in a minute.');
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
