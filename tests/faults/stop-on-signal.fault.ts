import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/postgres.ts';
import { repoRoot } from '../support/server.ts';

// `pnpm start` and `caucus serve` stop cleanly on SIGTERM and SIGINT sent to their process group,
// as a terminal (Ctrl-C), systemd or a container runtime sends them: every process of the group
// ends within a bound, the server exits 0, the port is free, the data folder's lock and control
// socket are gone. pnpm runs a script in a process group of its own and relays the signal to it.

const STOP_WITHIN_MS = 15_000;

interface Started {
  child: ChildProcess;
  dataDir: string;
  port: number;
  output: () => string;
}
const started: Started[] = [];
const scratch: string[] = [];

afterEach(() => {
  for (const { child, dataDir } of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Starts `command` in a session and process group of its own, as `setsid` does, and waits until Caucus says it is up. */
async function startDetached(command: string, args: string[], env: Record<string, string> = {}): Promise<Started> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'caucus-stop-'));
  const port = await freePort();
  const child = spawn(command, args, {
    cwd: repoRoot,
    detached: true,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, NODE_ENV: 'production', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const run: Started = { child, dataDir, port, output: () => output };
  started.push(run);
  // "Caucus is up" comes once the signal handlers are in place (/readyz answers a little before).
  for (const deadline = Date.now() + 80_000; !output.includes('"Caucus is up"'); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`caucus serve did not come up:\n${output}`);
  }
  return run;
}

/** The processes still in the session (the group and whatever it started), from /proc. */
function sessionMembers(sid: number): string[] {
  const members: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[3]) === sid && fields[0] !== 'Z') members.push(`${entry} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
  }
  return members;
}

async function waitUntilGone(sid: number): Promise<number> {
  const sent = Date.now();
  while (sessionMembers(sid).length > 0 && Date.now() - sent < STOP_WITHIN_MS) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(sessionMembers(sid), `every process of the group stops within ${STOP_WITHIN_MS / 1000} s`).toEqual([]);
  return Date.now() - sent;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * A `pnpm` first on the PATH that skips `pnpm build` (the web build is there already, and takes
 * ~40 s) and hands everything else to the real one: `pnpm start` then runs as in the README.
 */
function pnpmWithoutBuild(): { pnpm: string; path: string } {
  const real = execFileSync('sh', ['-c', 'command -v pnpm']).toString().trim();
  const dir = mkdtempSync(path.join(tmpdir(), 'caucus-pnpm-shim-'));
  scratch.push(dir);
  writeFileSync(path.join(dir, 'pnpm'), `#!/bin/sh\n[ "$1" = build ] && exit 0\nexec '${real}' "$@"\n`);
  chmodSync(path.join(dir, 'pnpm'), 0o755);
  return { pnpm: real, path: `${dir}:${process.env.PATH}` };
}

/** What a clean stop leaves: no lock, no control socket beside the embedded database. */
const leftovers = (dataDir: string) => readdirSync(dataDir).filter((name) => /\.(lock|sock)$/.test(name));

describe('stopping on a signal to the process group', () => {
  it('`caucus serve` stops cleanly on SIGINT (Ctrl-C), and on a second signal while it stops', async () => {
    const run = await startDetached(process.execPath, ['server/src/cli.ts', 'serve']);
    const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => run.child.once('exit', (code, signal) => resolve({ code, signal })));
    process.kill(-run.child.pid!, 'SIGINT');
    // A relaying parent in the same group, or an impatient operator, sends a second one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    process.kill(-run.child.pid!, 'SIGINT');
    const ms = await waitUntilGone(run.child.pid!);
    expect(await exit, run.output()).toEqual({ code: 0, signal: null });
    expect(await portIsFree(run.port)).toBe(true);
    expect(leftovers(run.dataDir)).toEqual([]);
    console.info(`caucus serve stopped ${ms} ms after SIGINT`);
  });

  it('`caucus serve` keeps a SIGTERM sent during start-up and stops cleanly once started', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'caucus-stop-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['server/src/cli.ts', 'serve'], {
      cwd: repoRoot,
      detached: true,
      env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, NODE_ENV: 'production', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    started.push({ child, dataDir, port, output: () => output });
    const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // The lock is taken as the embedded database opens, after the stop signals are listened for.
    for (const deadline = Date.now() + 30_000; !existsSync(path.join(dataDir, 'db.lock')); await new Promise((resolve) => setTimeout(resolve, 5))) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`caucus serve never opened its database:\n${output}`);
    }
    expect(output).not.toContain('Caucus is up');
    process.kill(-child.pid!, 'SIGTERM');
    expect(await exit, output).toEqual({ code: 0, signal: null });
    expect(output).toContain('stopping as soon as start-up is done');
    expect(output).toContain('"stopped"');
    expect(await portIsFree(port)).toBe(true);
    expect(leftovers(dataDir)).toEqual([]);
  }, 120_000);

  it('`pnpm start` stops cleanly on SIGTERM to its group', async () => {
    const shim = pnpmWithoutBuild();
    const run = await startDetached(shim.pnpm, ['start'], { PATH: shim.path });
    process.kill(-run.child.pid!, 'SIGTERM');
    const ms = await waitUntilGone(run.child.pid!);
    expect(run.output()).toContain('"shutting down"');
    expect(run.output(), 'the server closed everything and exited 0').toContain('"stopped"');
    expect(await portIsFree(run.port)).toBe(true);
    expect(leftovers(run.dataDir)).toEqual([]);
    console.info(`pnpm start stopped ${ms} ms after SIGTERM`);
  });
});
