// The browser's one live connection (socket.io): opened once per signed-in page, it survives client
// navigation; pages `watch` the wall they show and subscribe to the events they apply. The server
// decides which rooms the socket joins (the policy module), never this code.
import { io, type Socket } from 'socket.io-client';
import type { LiveClientEvents, LiveEventName, LiveEvents, WatchTarget } from '@caucus/shared/events.ts';

type ServerEvents = { [E in LiveEventName]: (payload: LiveEvents[E]) => void };
type LiveSocket = Socket<ServerEvents, LiveClientEvents>;
type Listener = (...args: unknown[]) => void;

let socket: LiveSocket | null = null;
/** What the open pages watch, counted, so that a reconnection asks for them again. */
const watched = new Map<string, { target: WatchTarget; count: number }>();

const keyOf = (target: WatchTarget) => JSON.stringify(target);

function watchOnServer(live: LiveSocket, target: WatchTarget): void {
  // The answer (allowed or not) changes nothing here: a refused watch simply brings no events.
  live.emit('watch', target, () => {});
}

/** Opens the connection if it is not open yet. Call it only in the browser, for a signed-in member. */
export function connectLive(): LiveSocket {
  if (socket) return socket;
  // WebSocket only: no long-polling, so several server processes need no sticky sessions.
  const live: LiveSocket = io({ path: '/socket.io', transports: ['websocket'], reconnectionDelayMax: 10_000 });
  // The server forgets what a connection watched when it drops: ask again on every (re)connection.
  live.on('connect', () => {
    for (const { target } of watched.values()) watchOnServer(live, target);
  });
  socket = live;
  return live;
}

/** Ends the connection (the member logged out). */
export function disconnectLive(): void {
  socket?.disconnect();
  socket = null;
  watched.clear();
}

/** Follows one wall (group, profile or post) while a page shows it; returns the function that stops. */
export function watch(target: WatchTarget): () => void {
  const live = connectLive();
  const key = keyOf(target);
  const entry = watched.get(key);
  if (entry) entry.count += 1;
  else {
    watched.set(key, { target, count: 1 });
    if (live.connected) watchOnServer(live, target);
  }
  return () => {
    const current = watched.get(key);
    if (!current) return;
    current.count -= 1;
    if (current.count > 0) return;
    watched.delete(key);
    if (live.connected) live.emit('unwatch', target);
  };
}

/** Calls `handler` for each `name` event while subscribed; returns the unsubscribe. */
export function onLive<E extends LiveEventName>(name: E, handler: (payload: LiveEvents[E]) => void): () => void {
  // socket.io's typed `on` cannot relate a generic event name to its listener: one cast, here only.
  const live = connectLive() as unknown as Socket<Record<string, Listener>>;
  const listener = handler as Listener;
  live.on(name as string, listener);
  return () => {
    live.off(name as string, listener);
  };
}
