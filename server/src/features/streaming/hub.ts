import type { FastifyBaseLogger } from 'fastify';
import { WebSocket } from 'ws';
import type { Db } from '#core/db.ts';
import type { PublishedEvent } from '#core/events.ts';
import { liveTokenViewers } from '#features/access-tokens/service.ts';
import { decideAudience, type Listener } from './audience.ts';

/** Close codes of the streaming API (4000–4999 are the application's own), each sent with a reason. */
export const CLOSE = {
  goingAway: 1001,
  internalError: 1011,
  unauthenticated: 4401,
  lostAccess: 4403,
  unknownStream: 4404,
  tooSlow: 4408,
} as const;

/** A client this far behind is not reading: better to close than to hold its backlog in memory. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
export const HEARTBEAT_MS = 30_000;
export const SHUTTING_DOWN = 'The server is shutting down: reconnect in a moment.';

export interface StreamConnection extends Listener {
  socket: WebSocket;
  /** Answered the last ping. */
  alive: boolean;
}

/**
 * The open streams of this process. Every live event of the network (from any process) comes in
 * here; for each, the audience rules decide on fresh state which streams receive it. Decisions
 * run concurrently, messages leave in the order the events came.
 */
export function createStreamingHub(deps: { db: Db; log: FastifyBaseLogger; heartbeatMs?: number }) {
  const { db, log } = deps;
  const connections = new Set<StreamConnection>();
  let delivery: Promise<void> = Promise.resolve();

  function close(connection: StreamConnection, code: number, reason: string): void {
    connections.delete(connection);
    if (connection.socket.readyState === WebSocket.OPEN) connection.socket.close(code, reason);
  }

  function send(connection: StreamConnection, message: string): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    if (connection.socket.bufferedAmount > MAX_BUFFERED_BYTES) return close(connection, CLOSE.tooSlow, 'Too slow: events were piling up unread. Reconnect.');
    connection.socket.send(message);
  }

  function onEvent(event: PublishedEvent): void {
    if (connections.size === 0) return;
    const decided = decideAudience(db, event, [...connections]).catch((error: unknown) => {
      log.error({ err: error, event: event.name }, 'streaming: could not decide who receives an event');
      return null;
    });
    delivery = delivery.then(async () => {
      const verdict = await decided;
      if (!verdict) return;
      if (verdict.deliver.length > 0) {
        const message = JSON.stringify({ event: event.name, payload: event.payload });
        for (const connection of verdict.deliver) send(connection, message);
      }
      for (const connection of verdict.revoked) close(connection, CLOSE.unauthenticated, 'Access token revoked.');
      for (const connection of verdict.lostGroup) close(connection, CLOSE.lostAccess, 'You may no longer read this group.');
    }).catch((error: unknown) => log.error({ err: error, event: event.name }, 'streaming: could not deliver an event')); // the chain must go on
  }

  /** Pings every stream; ends those that did not answer the last ping, and those whose token is gone. */
  async function heartbeat(): Promise<void> {
    for (const connection of connections) {
      if (!connection.alive) {
        connections.delete(connection);
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
    const open = [...connections];
    if (open.length === 0) return;
    // A revocation is pushed at once; this catches one whose message was lost (another process died).
    const live = await liveTokenViewers(db, open.map((connection) => connection.tokenId));
    for (const connection of open) if (!live.has(connection.tokenId)) close(connection, CLOSE.unauthenticated, 'Access token revoked.');
  }

  const timer = setInterval(() => {
    heartbeat().catch((error: unknown) => log.warn({ err: error }, 'streaming: heartbeat check failed'));
  }, deps.heartbeatMs ?? HEARTBEAT_MS);
  timer.unref();

  return {
    onEvent,
    heartbeat,
    add(connection: StreamConnection): void {
      connections.add(connection);
      connection.socket.on('pong', () => (connection.alive = true));
      connection.socket.on('close', () => connections.delete(connection));
    },
    /** Closes this process's streams opened with the token. */
    closeToken(tokenId: string): void {
      for (const connection of connections) if (connection.tokenId === tokenId) close(connection, CLOSE.unauthenticated, 'Access token revoked.');
    },
    get size(): number {
      return connections.size;
    },
    /** Waits until the events received so far have been handed to the sockets (tests, shutdown). */
    idle(): Promise<void> {
      return delivery;
    },
    close(): void {
      clearInterval(timer);
      for (const connection of connections) close(connection, CLOSE.goingAway, SHUTTING_DOWN);
    },
  };
}

export type StreamingHub = ReturnType<typeof createStreamingHub>;
