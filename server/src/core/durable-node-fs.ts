import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/**
 * PGlite on disk, made crash-safe. As shipped, PGlite starts PostgreSQL with fsync off (`-F`), and
 * the Emscripten Node filesystem under it drops fsync() (no `fsync` stream operation) and
 * fdatasync() (a stub): a power cut could lose or corrupt acknowledged commits. Here PostgreSQL
 * runs with fsync on and `wal_sync_method=fsync` (its fdatasync would reach the stub), and the
 * filesystem's fsync is the host's: each commit's WAL, each checkpoint's data files and
 * directories reach the disk before PostgreSQL goes on.
 */
export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, emscriptenOptions: Parameters<NodeFS['init']>[1]) {
    const result = await super.init(pg, emscriptenOptions);
    const preRun = result.emscriptenOpts.preRun ?? [];
    result.emscriptenOpts.preRun = [installHostFsync, ...preRun];
    return result;
  }
}

/** PGlite's start parameters, with fsync on and PostgreSQL's syncs going through fsync(). */
export const durableStartParams: string[] = [...PGlite.defaultStartParams.filter((param) => param !== '-F'), '-c', 'fsync=on', '-c', 'wal_sync_method=fsync'];

interface NodeStream { nfd?: number }
interface EmscriptenNodeFs {
  stream_ops: { fsync?: (stream: NodeStream) => number };
  tryFSOperation<T>(operation: () => T): T;
}

function installHostFsync(mod: { NODEFS: unknown }): void {
  const nodefs = mod.NODEFS as EmscriptenNodeFs | undefined;
  // Fail at start rather than run without durability after a PGlite upgrade changed its internals.
  if (!nodefs?.stream_ops || typeof nodefs.tryFSOperation !== 'function') throw new Error('PGlite no longer exposes NODEFS: the embedded engine cannot make commits durable (see server/src/core/durable-node-fs.ts).');
  if (nodefs.stream_ops.fsync) return; // PGlite does it itself now.
  nodefs.stream_ops.fsync = (stream) => {
    // An error becomes an errno: PostgreSQL then stops (PANIC) rather than trust unsynced data.
    if (stream.nfd !== undefined) nodefs.tryFSOperation(() => fsyncSync(stream.nfd!));
    return 0;
  };
}

/**
 * fsyncs every file and folder under `dir`: PGlite writes a new database's files (from initdb)
 * without syncing them, so a fresh folder is synced once before it holds anything of value.
 */
export function syncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) syncTree(full);
    else if (entry.isFile()) syncFile(full);
  }
  syncFile(dir);
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
