import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataLock, controlSocketPathFor, DataDirLockedError, describeThisProcess, isStale, lockPathFor, type LockHolder } from './data-lock.ts';

const root = mkdtempSync(path.join(tmpdir(), 'caucus-data-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const newDbDir = () => path.join(root, `db${++n}`);

/** A lock file as another process would have left it. */
function leaveLock(dbDir: string, holder: Partial<LockHolder>): void {
  writeFileSync(lockPathFor(dbDir), JSON.stringify({ ...describeThisProcess('serve'), token: 'theirs', ...holder }));
}

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('the data folder lock', () => {
  it('is taken once: a second opener in the same process is refused until it is released', async () => {
    const dbDir = newDbDir();
    const lock = await acquireDataLock(dbDir, 'serve');
    expect(JSON.parse(readFileSync(lockPathFor(dbDir), 'utf8'))).toMatchObject({ pid: process.pid, command: 'serve' });
    await expect(acquireDataLock(dbDir, 'migrate')).rejects.toBeInstanceOf(DataDirLockedError);
    lock.release();
    (await acquireDataLock(dbDir, 'migrate')).release();
  });

  it('refuses while a live process holds it, and names that process', async () => {
    const dbDir = newDbDir();
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)']);
    try {
      leaveLock(dbDir, { pid: sleeper.pid!, command: 'seed' });
      const refused = await acquireDataLock(dbDir, 'serve').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(DataDirLockedError);
      expect((refused as DataDirLockedError).message).toMatch(new RegExp(`in use by \`caucus seed\` \\(pid ${sleeper.pid} `));
      expect(JSON.parse(readFileSync(lockPathFor(dbDir), 'utf8')).token).toBe('theirs');
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that is gone (killed: the file stayed)', async () => {
    const dbDir = newDbDir();
    leaveLock(dbDir, { pid: await exitedPid() });
    const lock = await acquireDataLock(dbDir, 'serve');
    expect(JSON.parse(readFileSync(lockPathFor(dbDir), 'utf8')).token).toBe(lock.holder.token);
    lock.release();
  });

  it('takes over a lock that carries our own pid (a container starts at pid 1 every time)', async () => {
    const dbDir = newDbDir();
    leaveLock(dbDir, { pid: process.pid });
    (await acquireDataLock(dbDir, 'serve')).release();
  });

  it('takes over a lock from before a reboot, whatever runs under its pid now', async () => {
    const dbDir = newDbDir();
    leaveLock(dbDir, { pid: process.ppid, bootId: 'an-earlier-boot' });
    (await acquireDataLock(dbDir, 'serve')).release();
  });

  it('refuses a holder it cannot see (another container) that answers on the control socket', async () => {
    const dbDir = newDbDir();
    leaveLock(dbDir, { pid: 1, pidNamespace: 'pid:[another-container]' });
    const server = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(controlSocketPathFor(dbDir), resolve));
    try {
      await expect(acquireDataLock(dbDir, 'serve')).rejects.toBeInstanceOf(DataDirLockedError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Gone from the socket too: stale.
    (await acquireDataLock(dbDir, 'serve')).release();
  });

  it('judges staleness by pid only where the pid means something', () => {
    const self = describeThisProcess('serve');
    const alive = () => true;
    expect(isStale({ ...self, pid: 4242 }, self, alive)).toBe(false);
    expect(isStale({ ...self, pid: 4242 }, self, () => false)).toBe(true);
    expect(isStale({ ...self }, self, alive)).toBe(true);
    expect(isStale({ ...self, pid: 4242, bootId: 'other' }, { ...self, bootId: 'this' }, alive)).toBe(true);
    expect(isStale({ ...self, pid: 4242, pidNamespace: 'pid:[1]' }, { ...self, pidNamespace: 'pid:[2]' }, alive)).toBe(true);
    // Without /proc (macOS), the host name stands for the pid namespace.
    const bare = { ...self, bootId: undefined, pidNamespace: undefined };
    expect(isStale({ ...bare, pid: 4242 }, bare, alive)).toBe(false);
    expect(isStale({ ...bare, pid: 4242, hostname: 'elsewhere' }, bare, alive)).toBe(true);
  });
});
