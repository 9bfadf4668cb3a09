import { chmodSync, unlinkSync } from 'node:fs';
import net from 'node:net';

/**
 * While `caucus serve` holds the embedded database, the operator commands that need it
 * (`create-admin`, `migrate`) run inside that process: the CLI sends one JSON line on a Unix
 * socket beside the database (mode 0600: only the account that owns the data may connect, and it
 * could open the files anyway), the server runs the command and answers one JSON line.
 */
export type ControlRequest =
  | { command: 'ping' }
  | { command: 'migrate' }
  | { command: 'create-admin'; email: string; handle: string; displayName: string; password: string };

export type ControlAnswer = { ok: true; output: string } | { ok: false; error: string };

const MAX_LINE = 16 * 1024;
const FIELD_MAX = 1024;

/** Validates one request line: a fixed set of commands, string fields of bounded length, nothing else. */
export function parseControlRequest(line: string): ControlRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('The request is not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('The request must be a JSON object.');
  const request = value as Record<string, unknown>;
  const only = (keys: string[]) => {
    const extra = Object.keys(request).filter((key) => !keys.includes(key));
    if (extra.length) throw new Error(`Unknown field(s): ${extra.join(', ')}.`);
  };
  switch (request.command) {
    case 'ping':
    case 'migrate':
      only(['command']);
      return { command: request.command };
    case 'create-admin': {
      only(['command', 'email', 'handle', 'displayName', 'password']);
      const field = (name: string): string => {
        const v = request[name];
        if (typeof v !== 'string' || v.length === 0 || v.length > FIELD_MAX) throw new Error(`create-admin needs ${name} (a string of 1 to ${FIELD_MAX} characters).`);
        return v;
      };
      return { command: 'create-admin', email: field('email'), handle: field('handle'), displayName: field('displayName'), password: field('password') };
    }
    default:
      throw new Error('Unknown command: the server runs ping, migrate and create-admin.');
  }
}

export interface ControlSocket {
  close(): Promise<void>;
}

/** Serves operator commands on `socketPath`; a leftover socket file (a killed server) is replaced, the lock being ours. */
export async function listenControlSocket(socketPath: string, run: (request: ControlRequest) => Promise<string>): Promise<ControlSocket> {
  removeSocketFile(socketPath);
  const open = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.setTimeout(60_000, () => socket.destroy());
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      const end = buffer.indexOf('\n');
      if (end === -1) {
        if (buffer.length > MAX_LINE) {
          socket.removeAllListeners('data');
          socket.end(`${JSON.stringify({ ok: false, error: 'The request is too long.' } satisfies ControlAnswer)}\n`);
        }
        return;
      }
      socket.removeAllListeners('data');
      void answer(buffer.slice(0, end)).then((reply) => socket.end(`${JSON.stringify(reply)}\n`));
    });
  });
  async function answer(line: string): Promise<ControlAnswer> {
    try {
      return { ok: true, output: await run(parseControlRequest(line)) };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }
  // The socket is created owner-only from the start (umask), then made so explicitly.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  chmodSync(socketPath, 0o600);
  const onExit = () => removeSocketFile(socketPath);
  process.once('exit', onExit);
  return {
    async close() {
      process.removeListener('exit', onExit);
      // A shutdown does not wait for an operator's idle connection.
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      removeSocketFile(socketPath);
    },
  };
}

/** Sends one request to the server holding the database and gives back its answer. */
export async function sendControlRequest(socketPath: string, request: ControlRequest, timeoutMs = 60_000): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    let buffer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`The server did not answer on ${socketPath} within ${timeoutMs / 1000} s.`)));
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE) socket.destroy(new Error('The answer is too long.'));
    });
    socket.on('error', reject);
    socket.on('end', () => {
      try {
        resolve(JSON.parse(buffer) as ControlAnswer);
      } catch {
        reject(new Error(`The server gave no answer on ${socketPath}.`));
      }
    });
  });
}

/** Whether a live process accepts connections on the socket (a dead one leaves the file, which refuses them). */
export async function controlSocketAnswers(socketPath: string, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function removeSocketFile(socketPath: string): void {
  try {
    unlinkSync(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
