import fp from 'fastify-plugin';
import { PgBoss, type JobResult, type SendOptions } from 'pg-boss';
import type { DbHandle } from './db.ts';
import { classifyOutage } from './outages.ts';

/**
 * Job names and their data. A feature that queues work adds its own entry from its folder:
 * `declare module '#core/jobs.ts' { interface JobPayloads { 'notification.email': {...} } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface JobPayloads {}
export type JobName = keyof JobPayloads & string;

export type JobHandler<N extends JobName> = (data: JobPayloads[N], job: { id: string; retryCount: number }) => Promise<void>;

export interface WorkOptions {
  /** How often an idle worker asks for work (pg-boss polls; 2 s unless told). */
  pollingIntervalSeconds?: number;
  /** Workers for this queue in this process (1 unless told); each runs one batch at a time. */
  localConcurrency?: number;
  /** Jobs a worker claims per fetch and runs side by side (5 unless told): at most localConcurrency × batchSize at once. */
  batchSize?: number;
}

export interface JobQueue {
  /** Queues a job (after the caller's transaction has committed); resolves to its id. */
  send<N extends JobName>(name: N, data: JobPayloads[N], options?: SendOptions): Promise<string | null>;
  /** Declares how jobs of a queue are done; they run only in a process that started the workers. */
  work<N extends JobName>(name: N, handler: JobHandler<N>, options?: WorkOptions): void;
  /** Runs `name` on a cron schedule (UTC) in whichever process runs the workers. */
  schedule<N extends JobName>(name: N, cron: string, data: JobPayloads[N]): void;
  /** `caucus serve` (unless JOBS_IN_PROCESS=false) and `caucus worker`: poll and run the declared jobs. */
  startWorkers(): Promise<void>;
  readonly workersStarted: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobQueue;
  }
}

const SCHEMA = 'pgboss';
const DEFAULT_POLLING_SECONDS = 2;
const BATCH_SIZE = 5;

/**
 * The PostgreSQL-backed job queue (pg-boss), on our own pool so it runs on PGlite's single
 * connection as on a server: its statements queue behind the app's like any other query. It
 * starts on first use, so an app that queues nothing (most tests) never installs it.
 */
export const jobsPlugin = fp<{ handle: DbHandle }>(async (app, { handle }) => {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => handle.pool.query(text, values as unknown[]) },
    backend: handle.engine === 'pglite' ? 'pglite' : 'postgres',
    schema: SCHEMA,
    // Its dashboards and stats are not ours to keep; maintenance (expiry, retention) is.
    persistWarnings: false,
    monitorVacuum: false,
  });
  // While the database is away, every worker's poll fails until it is back (they keep polling and
  // resume by themselves): a warning each, not an error.
  boss.on('error', (error) => {
    if (classifyOutage(error)) app.log.warn({ err: error }, 'job queue: database unavailable');
    else app.log.error({ err: error }, 'job queue error');
  });
  boss.on('warning', (warning) => app.log.warn({ warning }, 'job queue warning'));

  const handlers = new Map<string, { handler: JobHandler<JobName>; options: WorkOptions }>();
  const schedules: Array<{ name: string; cron: string; data: object }> = [];
  const queues = new Map<string, Promise<void>>();
  const workIds = new Map<string, string>();
  let started: Promise<void> | null = null;
  let workersStarted = false;
  let closing = false;

  // One start for the process; a failed one (database away) is tried again by the next call.
  const start = () => (started ??= boss.start().then(() => undefined, (error: unknown) => {
    started = null;
    throw error;
  }));
  const ensureQueue = (name: string) => {
    let ready = queues.get(name);
    if (!ready) {
      ready = start().then(async () => {
        if (!(await boss.getQueue(name))) await boss.createQueue(name);
      });
      ready.catch(() => queues.delete(name)); // a failed creation is retried by the next call
      queues.set(name, ready);
    }
    return ready;
  };

  const queue: JobQueue = {
    async send(name, data, options) {
      if (closing) throw new Error(`the job queue is closing: "${name}" was not queued`);
      await ensureQueue(name);
      const id = await boss.send(name, data as object, options ?? {});
      // Our own worker for this queue starts on it now rather than at its next poll.
      const workId = workIds.get(name);
      if (workId) boss.notifyWorker(workId);
      return id;
    },
    work(name, handler, options = {}) {
      if (workersStarted) throw new Error(`declare the "${name}" worker before the workers start`);
      handlers.set(name, { handler: handler as JobHandler<JobName>, options });
    },
    schedule(name, cron, data) {
      schedules.push({ name, cron, data: data as object });
    },
    async startWorkers() {
      if (workersStarted) return;
      workersStarted = true;
      for (const [name, { handler, options }] of handlers) {
        await ensureQueue(name);
        const { pollingIntervalSeconds = DEFAULT_POLLING_SECONDS, localConcurrency = 1, batchSize = BATCH_SIZE } = options;
        // A few jobs per fetch, run side by side, fetched again at once while they come full (a backlog
        // drains without waiting a poll per job); each job succeeds or fails (and is retried) on its own.
        const workId = await boss.work<JobPayloads[JobName]>(name, { pollingIntervalSeconds, localConcurrency, batchSize, burstWhenBatchFull: true, perJobResults: true }, async (jobs) => {
          return Promise.all(jobs.map(async (job): Promise<JobResult> => {
            try {
              await handler(job.data, { id: job.id, retryCount: job.retryCount });
              return { id: job.id, status: 'completed' };
            } catch (error) {
              app.log.error({ err: error, job: { name, id: job.id, retryCount: job.retryCount } }, 'job failed');
              return { id: job.id, status: 'failed', output: { message: error instanceof Error ? error.message : String(error) } };
            }
          }));
        });
        workIds.set(name, workId);
      }
      for (const { name, cron, data } of schedules) {
        await ensureQueue(name);
        await boss.schedule(name, cron, data);
      }
      app.log.info({ queues: [...handlers.keys()] }, 'job workers started');
    },
    get workersStarted() {
      return workersStarted;
    },
  };
  app.decorate('jobs', queue);

  // Before the database closes: running jobs get a few seconds to finish, new ones are not taken.
  app.addHook('onClose', async () => {
    closing = true;
    if (!started) return;
    await started.catch(() => undefined);
    await boss.stop({ graceful: true, timeout: 5_000, close: false });
  });
}, { name: 'jobs', dependencies: ['db'] });
