import fp from 'fastify-plugin';
import type { TokenRevocations } from '#features/access-tokens/service.ts';
import { createStreamingHub, type StreamingHub } from './hub.ts';

declare module 'fastify' {
  interface FastifyInstance {
    streaming: StreamingHub & TokenRevocations;
  }
}

const TOKEN_REVOKED = 'caucus:access-token-revoked';

/**
 * The streaming API's hub: it hears every live event of the network through the event bus, and
 * a revoked token closes its streams in every process (socket.io's server-side emit, through the
 * PostgreSQL adapter when `crossProcess`).
 */
export const streamingPlugin = fp<{ crossProcess: boolean }>(async (app, { crossProcess }) => {
  const hub = createStreamingHub({ db: app.db, log: app.log });
  const unsubscribe = app.events.subscribe(hub.onEvent);
  if (crossProcess) app.io.on(TOKEN_REVOKED, (tokenId: string) => hub.closeToken(tokenId));

  app.decorate('streaming', Object.assign(hub, {
    endAccessToken(tokenId: string): void {
      hub.closeToken(tokenId);
      if (crossProcess) app.io.serverSideEmit(TOKEN_REVOKED, tokenId);
    },
  }));
  app.addHook('preClose', async () => {
    unsubscribe();
    hub.close();
  });
}, { name: 'streaming', dependencies: ['events', 'realtime'] });
