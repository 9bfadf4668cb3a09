import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  url: string;
  process: ChildProcess;
  /** Milliseconds from spawn to the first 200 of /readyz. */
  startupMs: number;
  stop(): Promise<void>;
}

/** Runs `caucus <args>` to completion, throwing with its output when it fails. */
export async function caucus(args: string[], env: Record<string, string>): Promise<string> {
  const { code, output } = await runCaucus(args, env);
  if (code !== 0) throw new Error(`caucus ${args.join(' ')} failed (${code}):\n${output}`);
  return output;
}

/**
 * Runs `caucus <args>` to completion and gives back its exit code and output, whatever they are;
 * killed after `timeoutMs` (code null), so that a command that should have stopped cannot hang a test.
 */
export async function runCaucus(args: string[], env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['server/src/cli.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  return { code, output: output.trim() };
}

/** Starts the built `caucus serve` on loopback and waits until /readyz answers 200. */
export async function startServer(env: Record<string, string>, options: { timeoutMs?: number; quiet?: boolean } = {}): Promise<RunningServer> {
  const port = env.PORT!;
  const url = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const child = spawn(process.execPath, ['server/src/cli.ts', 'serve'], {
    cwd: repoRoot,
    env: { ...process.env, HOST: '127.0.0.1', PUBLIC_URL: url, LOG_LEVEL: 'warn', NODE_ENV: 'production', ...env },
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  const deadline = started + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`caucus serve exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('caucus serve did not become ready in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const startupMs = Date.now() - started;
  return {
    url,
    process: child,
    startupMs,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}
