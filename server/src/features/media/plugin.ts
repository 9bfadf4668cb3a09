import type { FastifyPluginAsync } from 'fastify';
import { purgeMedia } from './purge.ts';
import { mediaRoutes } from './routes.ts';
import { mediaServing } from './serve.ts';
import { uploadTmpSweep } from './tmp-sweep.ts';
import { createMediaWorkers } from './worker-pool.ts';

/** Uploads waiting for a processing slot; past that, a 503 asks to retry rather than pile up memory. */
const MAX_WAITING = 64;
/** The workers' CPU priority: below the server's (0), so the API comes first. */
const WORKER_NICE = 10;
const WORKER_TIMEOUT_MS = 120_000;
const PURGE_CRON = '*/10 * * * *';

/** The media feature: the API under /api/v1, the files under /media, the purge job and the sweep of DATA_DIR/tmp. */
export const mediaPlugin: FastifyPluginAsync = async (app) => {
  await app.register(uploadTmpSweep);
  const workers = createMediaWorkers({ size: app.config.media.workers, maxWaiting: MAX_WAITING, nice: WORKER_NICE, timeoutMs: WORKER_TIMEOUT_MS, log: app.log });
  app.addHook('onClose', async () => workers.close());
  const requestPurge = () => {
    app.jobs.send('media.purge', {}).catch((error: unknown) => app.log.warn({ err: error }, 'could not queue the media purge; the schedule will run it'));
  };
  app.jobs.work('media.purge', async () => {
    await purgeMedia({ db: app.db, storage: app.storage, log: app.log });
  });
  app.jobs.schedule('media.purge', PURGE_CRON, {});

  await app.register(mediaServing);
  await app.register(mediaRoutes, { prefix: '/api/v1', workers, requestPurge });
};
