import fp from 'fastify-plugin';
import { Server } from 'socket.io';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import type { Config } from './config.ts';
import { validateSessionToken, type SessionMember } from './session.ts';

declare module 'fastify' {
  interface FastifyInstance {
    io: Server;
    live: LiveSessions;
  }
}

interface SocketData {
  member: SessionMember;
  sessionPublicId: string;
}

export const userRoom = (memberId: string) => `user:${memberId}`;
const sessionRoom = (sessionPublicId: string) => `session:${sessionPublicId}`;

/** What the accounts service tells the live layer: a connection must not outlive its session. */
export interface LiveSessions {
  endSession(sessionPublicId: string): void;
  /** Every live connection of a member but those of `keepSessionPublicId`. */
  endMemberSessions(memberId: string, keepSessionPublicId?: string): void;
}

/**
 * socket.io on the same HTTP server. Only signed-in members connect; the server, not the client,
 * decides which rooms a socket joins (here its own `user:<id>` room).
 */
export const realtimePlugin = fp<{ config: Config }>(async (app, { config }) => {
  const io = new Server<Record<string, never>, Record<string, never>, Record<string, never>, SocketData>(app.server, {
    path: '/socket.io',
    serveClient: false,
    destroyUpgrade: false, // other upgrade handlers (Vite's hot reload, the streaming API) share the server
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, !origin || origin === config.publicUrl.origin || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`);
    },
  });

  io.use(async (socket, next) => {
    const token = parseCookie(socket.request.headers.cookie ?? '', SESSION_COOKIE);
    const session = token ? await validateSessionToken(app.dbHandle, token).catch(() => null) : null;
    if (!session) return next(new Error('unauthenticated'));
    socket.data.member = session.member;
    socket.data.sessionPublicId = session.publicId;
    next();
  });

  io.on('connection', (socket) => {
    void socket.join([userRoom(socket.data.member.id), sessionRoom(socket.data.sessionPublicId)]);
  });

  const live: LiveSessions = {
    endSession(sessionPublicId) {
      io.in(sessionRoom(sessionPublicId)).disconnectSockets(true);
    },
    endMemberSessions(memberId, keepSessionPublicId) {
      io.in(userRoom(memberId))
        .fetchSockets()
        .then((sockets) => {
          for (const socket of sockets) if (socket.data.sessionPublicId !== keepSessionPublicId) socket.disconnect(true);
        })
        .catch((error: unknown) => app.log.warn({ err: error }, 'could not end live connections'));
    },
  };

  app.decorate('io', io as unknown as Server);
  app.decorate('live', live);
  // Before Fastify closes the HTTP server: end live connections so shutdown does not wait on them.
  app.addHook('preClose', async () => {
    io.disconnectSockets(true);
    io.engine.close();
  });
}, { name: 'realtime', dependencies: ['db'] });

function parseCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
