import fp from 'fastify-plugin';
import type { LiveEventName, LiveEvents } from '@caucus/shared/events.ts';

/** The socket.io rooms live events go to; the realtime layer lets a socket in only when the policy says so. */
export const rooms = {
  user: (memberId: string) => `user:${memberId}`,
  network: 'network',
  group: (groupId: string) => `group:${groupId}`,
  profile: (memberId: string) => `profile:${memberId}`,
  /** Followers of an author: their posts on profile walls and in public groups. */
  author: (memberId: string) => `author:${memberId}`,
} as const;

export interface PublishedEvent<E extends LiveEventName = LiveEventName> {
  name: E;
  payload: LiveEvents[E];
  rooms: string[];
}

export type EventListener = (event: PublishedEvent) => void;

export interface EventBus {
  /** Call after the transaction that made the change has committed. */
  publish<E extends LiveEventName>(name: E, payload: LiveEvents[E], rooms: string[]): void;
  /** Every event published by any process (the streaming API listens here). Returns the unsubscribe. */
  subscribe(listener: EventListener): () => void;
}

declare module 'fastify' {
  interface FastifyInstance {
    events: EventBus;
  }
}

const CROSS_PROCESS_EVENT = 'caucus:event';

/**
 * Domain events to socket.io rooms (crossing processes through the adapter when one is set) and
 * to in-process listeners; other processes' events reach our listeners by socket.io's
 * server-side emit, so a streaming client sees the whole network whichever process it is on.
 */
export const eventsPlugin = fp<{ crossProcess: boolean }>(async (app, { crossProcess }) => {
  const listeners = new Set<EventListener>();
  const deliverLocally = (event: PublishedEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        app.log.error({ err: error, event: event.name }, 'live event listener failed');
      }
    }
  };

  if (crossProcess) app.io.on(CROSS_PROCESS_EVENT, (event: PublishedEvent) => deliverLocally(event));

  const bus: EventBus = {
    publish(name, payload, targetRooms) {
      if (targetRooms.length === 0) return;
      const event = { name, payload, rooms: targetRooms } as PublishedEvent;
      app.io.to(targetRooms).emit(name, payload);
      deliverLocally(event);
      if (crossProcess) app.io.serverSideEmit(CROSS_PROCESS_EVENT, event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  app.decorate('events', bus);
}, { name: 'events', dependencies: ['realtime'] });
