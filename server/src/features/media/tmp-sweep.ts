import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

// DATA_DIR/tmp holds uploads as they arrive: raw originals, GPS position, owner and camera serial
// included. A process that dies mid-upload cannot remove them, so each upload's folder is named
// after its process, which touches it every minute while it receives; any process (the same one
// started again, first of all) removes the folders of processes that are gone.

/** How often a process touches the folders it is receiving into (its heartbeat) and sweeps. */
export const SWEEP_EVERY_MS = 60_000;
/** A folder not touched this long belongs to no live process (on another host, or behind a reused pid). */
export const STALE_AFTER_MS = 10 * 60_000;

const SEPARATOR = '~';

interface Owner {
  host: string;
  /** The pid namespace: two containers may share the volume, each with its own pid 1. */
  pidNamespace: string;
  pid: number;
  /** Tells this process from an earlier one that had the same pid (a restarted container). */
  boot: string;
}

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid').replace(/\D/g, '') || '0';
  } catch {
    return '0'; // not Linux: the pid alone
  }
}

const self: Owner = {
  host: hostname().replace(/[^\w.-]/g, '_') || 'host',
  pidNamespace: pidNamespace(),
  pid: process.pid,
  boot: randomBytes(6).toString('hex'),
};

/** `p~host~pidns~pid~boot~XXXXXX`: the owner, then mkdtemp's random suffix. */
const ownerPrefix = (owner: Owner) => ['p', owner.host, owner.pidNamespace, owner.pid, owner.boot, ''].join(SEPARATOR);

function parseOwner(name: string): Owner | null {
  const [tag, host, namespace, pid, boot, suffix, ...rest] = name.split(SEPARATOR);
  if (tag !== 'p' || !host || !namespace || !boot || suffix === undefined || rest.length > 0 || !/^\d+$/.test(pid ?? '')) return null;
  return { host, pidNamespace: namespace, pid: Number(pid), boot };
}

/** The upload folders this process is receiving into, touched by every sweep. */
const receiving = new Set<string>();

export interface UploadFolder {
  dir: string;
  /** Removes the folder and what it holds. */
  release(): Promise<void>;
}

/** A new folder under `tmpRoot` (DATA_DIR/tmp) for one upload, marked as this process's. */
export async function createUploadFolder(tmpRoot: string): Promise<UploadFolder> {
  await mkdir(tmpRoot, { recursive: true });
  const dir = await mkdtemp(path.join(tmpRoot, ownerPrefix(self)));
  receiving.add(dir);
  return {
    dir,
    async release() {
      receiving.delete(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Is the process that named this folder certainly gone? Only provable on its own host and pid namespace. */
function ownerIsGone(owner: Owner): boolean {
  if (owner.host !== self.host || owner.pidNamespace !== self.pidNamespace) return false;
  if (owner.pid === self.pid) return owner.boot !== self.boot;
  try {
    process.kill(owner.pid, 0);
    return false; // alive, or its pid reused: the heartbeat decides
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes what no live process is receiving into: the folders of processes that are gone, and any
 * entry (a folder of a silent process, a file of an older version) untouched for STALE_AFTER_MS.
 * Gives back the names removed.
 */
export async function sweepUploadTmp(tmpRoot: string, now = Date.now()): Promise<string[]> {
  const entries = await readdir(tmpRoot).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const removed: string[] = [];
  for (const name of entries) {
    const owner = parseOwner(name);
    const gone = owner !== null && ownerIsGone(owner);
    if (!gone && (await modifiedAt(path.join(tmpRoot, name))) >= now - STALE_AFTER_MS) continue;
    await rm(path.join(tmpRoot, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

async function modifiedAt(file: string): Promise<number> {
  try {
    return (await stat(file)).mtimeMs;
  } catch {
    return Infinity; // removed meanwhile: nothing to do
  }
}

/** The heartbeat: every folder this process is receiving into is marked fresh. */
export async function touchUploadFolders(): Promise<void> {
  const now = new Date();
  await Promise.all([...receiving].map((dir) => utimes(dir, now, now).catch(() => undefined)));
}

/**
 * Uploads cut off by a crash are removed from DATA_DIR/tmp before this process listens, then every
 * minute. A timer in each process, not a job: DATA_DIR/tmp is per host, and a job runs on any one.
 */
export const uploadTmpSweep: FastifyPluginAsync<{ everyMs?: number }> = async (app, { everyMs = SWEEP_EVERY_MS }) => {
  const tmpRoot = path.join(app.config.dataDir, 'tmp');
  let running: Promise<void> | null = null;
  const sweep = () => {
    running ??= (async () => {
      try {
        await touchUploadFolders();
        const removed = await sweepUploadTmp(tmpRoot);
        if (removed.length > 0) app.log.info({ removed: removed.length }, 'removed uploads abandoned in DATA_DIR/tmp');
      } catch (error) {
        app.log.warn({ err: error, tmpRoot }, 'could not sweep DATA_DIR/tmp; the next sweep tries again');
      } finally {
        running = null;
      }
    })();
    return running;
  };
  let timer: NodeJS.Timeout | undefined;
  app.addHook('onReady', async () => {
    await sweep();
    timer = setInterval(() => void sweep(), everyMs).unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
};
