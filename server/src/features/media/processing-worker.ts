// A media worker process (started by worker-pool.ts, at a lower CPU priority than the server):
// processes one image at a time and sends back its variants, or the refusal to show the member.
import { AppError } from '#core/errors.ts';
import { processImage } from './processing.ts';
import type { WorkerReply, WorkerTask } from './worker-pool.ts';

process.on('message', (task: WorkerTask) => {
  processImage(task.file, task.size, task.purpose, { maxPixels: task.maxPixels }).then(
    (image) => send({ id: task.id, ok: true, image }),
    (error: unknown) => send({
      id: task.id,
      ok: false,
      refusal: error instanceof AppError ? { status: error.status, code: error.code, message: error.message, fields: error.fields } : null,
      detail: error instanceof Error ? error.message : String(error),
    }),
  );
});

function send(reply: WorkerReply): void {
  process.send?.(reply);
}

// The server went away: so do we.
process.on('disconnect', () => process.exit(0));
