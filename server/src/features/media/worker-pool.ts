import { fork, type ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorCode, FieldError } from '@caucus/shared/errors.ts';
import type { MediaPurpose } from '@caucus/shared/schemas/media.ts';
import { AppError, fieldError } from '#core/errors.ts';
import { createWorkPool } from '#core/work-pool.ts';
import type { ProcessedImage } from './processing.ts';

export interface WorkerTask {
  id: number;
  file: string;
  size: number;
  purpose: MediaPurpose;
  maxPixels: number;
}

export type WorkerReply =
  | { id: number; ok: true; image: ProcessedImage }
  | { id: number; ok: false; refusal: { status: number; code: ErrorCode; message: string; fields: Record<string, FieldError> | undefined } | null; detail: string };

export interface MediaWorkers {
  /** Processes a received file in a worker process; refuses at once (503) when too many wait. */
  process(file: string, size: number, purpose: MediaPurpose, maxPixels: number): Promise<ProcessedImage>;
  close(): Promise<void>;
}

const WORKER_SCRIPT = fileURLToPath(new URL('./processing-worker.ts', import.meta.url));
/** A worker idle this long exits, and one that has done this many images is replaced: libvips' memory goes back to the system. */
const IDLE_EXIT_MS = 60_000;
const TASKS_PER_WORKER = 100;

const unreadable = () => fieldError(400, 'file', 'invalid_input', 'This image could not be read: it may be damaged or incomplete. Try exporting it again.');

/**
 * A bounded pool of worker processes for sharp. Separate processes at a lower CPU priority (nice)
 * keep a burst of uploads from starving the API: the kernel serves the server first whenever both
 * want a core. A worker that crashes on a hostile file or runs past the time limit is replaced;
 * its upload gets a 400 and the server goes on.
 */
export function createMediaWorkers(options: { size: number; maxWaiting: number; nice: number; timeoutMs: number; log: FastifyBaseLogger }): MediaWorkers {
  const { size, nice, timeoutMs, log } = options;
  const admission = createWorkPool(size, options.maxWaiting, () => new AppError(503, 'rate_limited', 'The server is busy with other images: try again in a minute.'));
  const idle: ChildProcess[] = [];
  const all = new Set<ChildProcess>();
  const tasksDone = new WeakMap<ChildProcess, number>();
  const idleTimers = new WeakMap<ChildProcess, NodeJS.Timeout>();
  let nextId = 0;
  let closed = false;

  function spawn(): ChildProcess {
    // Not the server's own flags (--watch in development, the test runner's): a plain Node.
    // Few malloc arenas: libvips' threads otherwise each keep their own, and the memory with them.
    const env = { ...process.env, MALLOC_ARENA_MAX: '2' };
    const child = fork(WORKER_SCRIPT, [], { serialization: 'advanced', execArgv: [], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    all.add(child);
    child.once('exit', () => {
      all.delete(child);
      const at = idle.indexOf(child);
      if (at >= 0) idle.splice(at, 1);
    });
    try {
      if (child.pid) setPriority(child.pid, nice);
    } catch (error) {
      log.warn({ err: error }, 'could not lower the priority of a media worker');
    }
    return child;
  }

  function runOn(child: ChildProcess, task: WorkerTask): Promise<ProcessedImage> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      const onMessage = (reply: WorkerReply) => {
        if (reply.id !== task.id) return;
        done();
        if (reply.ok) return resolve(withBuffers(reply.image));
        if (reply.refusal) return reject(new AppError(reply.refusal.status, reply.refusal.code, reply.refusal.message, reply.refusal.fields));
        log.warn({ detail: reply.detail }, 'a media worker failed on an image');
        reject(unreadable());
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        log.error({ code, signal }, 'a media worker died on an image; it is replaced');
        reject(unreadable());
      };
      const timer = setTimeout(() => {
        done();
        log.warn({ timeoutMs }, 'a media worker took too long on an image; it is replaced');
        child.kill('SIGKILL');
        reject(fieldError(400, 'file', 'invalid_input', 'This image takes too long to process: export it smaller and try again.'));
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send(task);
    });
  }

  function release(child: ChildProcess): void {
    if (!all.has(child)) return;
    const done = (tasksDone.get(child) ?? 0) + 1;
    tasksDone.set(child, done);
    if (closed || done >= TASKS_PER_WORKER) {
      child.kill('SIGTERM');
      return;
    }
    idle.push(child);
    const timer = setTimeout(() => child.kill('SIGTERM'), IDLE_EXIT_MS);
    timer.unref();
    idleTimers.set(child, timer);
  }

  return {
    process(file, size, purpose, maxPixels) {
      return admission.run(async () => {
        if (closed) throw new AppError(503, 'rate_limited', 'The server is shutting down: try again in a moment.');
        const child = idle.pop() ?? spawn();
        clearTimeout(idleTimers.get(child));
        try {
          return await runOn(child, { id: ++nextId, file, size, purpose, maxPixels });
        } finally {
          release(child);
        }
      });
    },
    async close() {
      closed = true;
      await Promise.all([...all].map((child) => new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      })));
    },
  };
}

/** Buffers cross the process boundary as plain Uint8Arrays. */
function withBuffers(image: ProcessedImage): ProcessedImage {
  return { ...image, variants: image.variants.map((v) => ({ ...v, data: Buffer.from(v.data.buffer, v.data.byteOffset, v.data.byteLength) })) };
}
