import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { controlSocketAnswers } from './control-socket.ts';

/**
 * The embedded database's folder belongs to one process at a time: `DATA_DIR/db.lock`, created
 * exclusively (O_EXCL) before PGlite opens `DATA_DIR/db`, removed on close or exit. Node has no
 * flock; like PostgreSQL's postmaster.pid, a lock whose process is gone is stale and taken over.
 */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** The `caucus` command that holds it (serve, migrate, seed…), for the message to the next opener. */
  command: string;
  startedAt: string;
  /** Linux: a reboot since the lock was taken makes it stale, whatever its pid is now. */
  bootId?: string;
  /** Linux: a pid means something only in the pid namespace (container) it came from. */
  pidNamespace?: string;
  token: string;
}

export interface DataLock {
  holder: LockHolder;
  release(): void;
}

export class DataDirLockedError extends Error {
  readonly dbDir: string;
  /** Null when the lock file is being written at this very moment. */
  readonly holder: LockHolder | null;

  constructor(dbDir: string, holder: LockHolder | null) {
    super(holder
      ? `${dbDir} is in use by \`caucus ${holder.command}\` (pid ${holder.pid} on ${holder.hostname}, since ${holder.startedAt}). The embedded database belongs to one process at a time: stop it first.`
      : `${dbDir} is being opened by another Caucus process right now (${lockPathFor(dbDir)} is being written). The embedded database belongs to one process at a time: stop it first.`);
    this.name = 'DataDirLockedError';
    this.dbDir = dbDir;
    this.holder = holder;
  }
}

export const lockPathFor = (dbDir: string): string => `${dbDir}.lock`;
/** The Unix socket on which the `caucus serve` holding the lock runs operator commands (control-socket.ts). */
export const controlSocketPathFor = (dbDir: string): string => `${dbDir}.sock`;

// Locks this process holds: a second open in the same process is refused as well.
const held = new Set<string>();

/** Takes the folder's lock, or throws DataDirLockedError naming the live holder. */
export async function acquireDataLock(dbDir: string, command: string): Promise<DataLock> {
  const lockPath = lockPathFor(dbDir);
  const self = describeThisProcess(command);
  if (held.has(lockPath)) {
    const holder = readHolder(lockPath);
    throw new DataDirLockedError(dbDir, typeof holder === 'object' ? holder : self);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createExclusively(lockPath, self)) return holdLock(lockPath, self);
    const holder = readHolder(lockPath);
    if (holder === 'gone') continue;
    if (holder === 'unreadable') {
      // Written by O_EXCL in one small write: unreadable for a moment while its author writes it; for longer, a crash left it.
      if (ageMs(lockPath) < 10_000) throw new DataDirLockedError(dbDir, null);
    } else if (!isStale(holder, self, isProcessAlive) || (await controlSocketAnswers(controlSocketPathFor(dbDir)))) {
      throw new DataDirLockedError(dbDir, holder);
    }
    // Stale: remove it and try again, as PostgreSQL does with postmaster.pid.
    removeIfStill(lockPath, holder === 'unreadable' ? null : holder.token);
  }
  throw new Error(`Could not take the lock ${lockPath}: it keeps changing. Is another Caucus process starting on the same DATA_DIR?`);
}

/**
 * A holder is stale when its process is surely gone. Where its pid cannot be checked (another
 * container), the caller also asks the control socket, on which a live `caucus serve` answers.
 */
export function isStale(holder: LockHolder, self: LockHolder, alive: (pid: number) => boolean): boolean {
  if (holder.bootId && self.bootId && holder.bootId !== self.bootId) return true;
  const samePidSpace = holder.pidNamespace && self.pidNamespace ? holder.pidNamespace === self.pidNamespace : holder.hostname === self.hostname;
  if (!samePidSpace) return true;
  // Our own pid: a previous life of this process (a container starts at pid 1 every time).
  if (holder.pid === self.pid) return true;
  return !alive(holder.pid);
}

export function describeThisProcess(command: string): LockHolder {
  return {
    pid: process.pid,
    hostname: hostname(),
    command,
    startedAt: new Date().toISOString(),
    bootId: readOptional(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()),
    pidNamespace: readOptional(() => readlinkSync('/proc/self/ns/pid')),
    token: randomBytes(12).toString('hex'),
  };
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function createExclusively(lockPath: string, self: LockHolder): boolean {
  try {
    writeFileSync(lockPath, `${JSON.stringify(self)}\n`, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function holdLock(lockPath: string, self: LockHolder): DataLock {
  held.add(lockPath);
  // Whatever ends the process (an error at start, process.exit), the lock goes with it; only SIGKILL leaves it, stale.
  const onExit = () => release();
  process.once('exit', onExit);
  function release(): void {
    if (!held.delete(lockPath)) return;
    process.removeListener('exit', onExit);
    removeIfStill(lockPath, self.token);
  }
  return { holder: self, release };
}

function readHolder(lockPath: string): LockHolder | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) && typeof holder.token === 'string' ? holder : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/** Removes the lock file only if it is still the one we judged (ours, or the stale one): never a newer holder's. */
function removeIfStill(lockPath: string, token: string | null): void {
  const current = readHolder(lockPath);
  if (current === 'gone') return;
  if (current !== 'unreadable' && current.token !== token) return;
  if (current === 'unreadable' && token !== null) return;
  try {
    unlinkSync(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

function readOptional(read: () => string): string | undefined {
  try {
    return read() || undefined;
  } catch {
    return undefined;
  }
}
