import { WebSocket } from 'ws';

// A streaming API client for the tests: it keeps every message, and says how the stream ended.

export interface StreamMessage {
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload: any;
}

export interface StreamClient {
  socket: WebSocket;
  messages: StreamMessage[];
  /** 'ready' after `stream.ready`; else how it was refused: a close code, or the HTTP status of a refused handshake. */
  outcome: Promise<'ready' | { code: number; reason: string } | { status: number; body: string }>;
  closed: Promise<{ code: number; reason: string }>;
  /** The first message (already received or to come) that matches, or undefined after `ms`. */
  waitFor(match: (message: StreamMessage) => boolean, ms?: number): Promise<StreamMessage | undefined>;
  close(): void;
}

/** Opens `/api/v1/streaming` on a listening server; `token` goes in the Authorization header. */
export function connectStream(baseUrl: string, options: { token?: string; query?: string; headers?: Record<string, string>; autoPong?: boolean } = {}): StreamClient {
  const url = `${baseUrl.replace(/^http/, 'ws')}/api/v1/streaming${options.query ? `?${options.query}` : ''}`;
  const headers = { ...options.headers, ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) };
  const socket = new WebSocket(url, { headers, autoPong: options.autoPong ?? true });
  const messages: StreamMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as StreamMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const outcome = new Promise<'ready' | { code: number; reason: string } | { status: number; body: string }>((resolve) => {
    socket.on('message', () => {
      if (messages[0]?.event === 'stream.ready') resolve('ready');
    });
    void closed.then(resolve);
    socket.on('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on('error', () => {});
  });
  return {
    socket,
    messages,
    outcome,
    closed,
    waitFor(match, ms = 3000) {
      return new Promise((resolve) => {
        const check = () => {
          const found = messages.find(match);
          if (!found) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const wake = () => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(undefined);
        }, ms);
        if (!check()) waiters.add(wake);
      });
    },
    close() {
      socket.close();
    },
  };
}

/** A post's id in a `post.*` message. */
export const postIdOf = (message: StreamMessage): string | undefined => message.payload?.post?.id ?? message.payload?.postId;
