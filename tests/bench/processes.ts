// The processes a bench run starts beside Caucus (ceilings, bare socket.io servers), and the
// memory sampler that watches the Caucus server throughout.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/server.ts';

export async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await fetch(url).then((r) => r.status < 500, () => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not answer`);
}

/** Starts `node <file>` (relative to the repository) with extra environment; gives back its stop. */
export function spawnHelper(file: string, env: Record<string, string>): () => Promise<void> {
  const child = spawn(process.execPath, [path.join(repoRoot, file)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
}

const statusKb = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

function childrenOf(pid: number): number[] {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).map(Number).filter((id) => {
    try {
      const stat = readFileSync(`/proc/${id}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  });
}

export interface MemoryFigures {
  /** Peak of VmRSS sampled every 100 ms, and the kernel's own high-water mark (VmHWM) at the end. */
  serverPeakMb: number; serverHwmMb: number;
  /** Child processes of the server (media workers are forked processes), counted apart: their largest number and summed peak. */
  childProcesses: number; childrenPeakMb: number;
  /** Threads of the server process at the end (libuv pool, sharp/libvips, V8 helpers): their memory is inside the server's RSS. */
  serverThreads: number;
  samples: number;
}

/** Samples the RSS of `pid` (and apart, of its children) every 100 ms until `stop()`. */
export function sampleMemory(pid: number): { stop(): MemoryFigures } {
  let peak = 0, childrenPeak = 0, children = 0, samples = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, statusKb(pid, 'VmRSS'));
    const kids = childrenOf(pid);
    children = Math.max(children, kids.length);
    childrenPeak = Math.max(childrenPeak, kids.reduce((sum, id) => sum + statusKb(id, 'VmRSS'), 0));
    samples++;
  }, 100);
  return {
    stop() {
      clearInterval(timer);
      const threads = Number(/Threads:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      const mb = (kb: number) => Math.round(kb / 1024);
      return { serverPeakMb: mb(peak), serverHwmMb: mb(statusKb(pid, 'VmHWM')), childProcesses: children, childrenPeakMb: mb(childrenPeak), serverThreads: threads, samples };
    },
  };
}
