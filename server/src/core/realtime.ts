import { createAdapter } from '@socket.io/postgres-adapter';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';
import { Server, type Socket } from 'socket.io';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import type { LiveClientEvents, WatchTarget } from '@caucus/shared/events.ts';
import type { Config } from './config.ts';
import { RESILIENT_CONNECTIONS, survivePoolConnectionLoss, type DbOrTx } from './db.ts';
import { rooms } from './events.ts';
import type { Viewer } from './policy.ts';
import { validateSessionToken, type SessionMember } from './session.ts';

declare module 'fastify' {
  interface FastifyInstance {
    io: Server;
    live: LiveSessions & LiveRooms;
    /** False while the cross-process adapter has no LISTEN connection (PostgreSQL away, or just back). */
    liveListening(): boolean;
  }
}

interface SocketData {
  member: SessionMember;
  sessionPublicId: string;
  /** Rooms granted at connection (own, network, groups, followed authors). */
  initialRooms: string[];
  /** What the open pages watch, and the room each was granted. */
  watching: Array<{ key: string; room: string }>;
}

type LiveSocket = Socket<LiveClientEvents, Record<string, never>, Record<string, never>, SocketData>;

export const userRoom = (memberId: string) => `user:${memberId}`;
const sessionRoom = (sessionPublicId: string) => `session:${sessionPublicId}`;
/** A page watches a few walls at a time; past that, a client is misbehaving. */
const MAX_WATCHED = 20;

/** What the accounts service tells the live layer: a connection must not outlive its session. */
export interface LiveSessions {
  endSession(sessionPublicId: string): void;
  /** Every live connection of a member but those of `keepSessionPublicId`. */
  endMemberSessions(memberId: string, keepSessionPublicId?: string): void;
}

/** What services tell the live layer after a commit that changes who may be in a room. */
export interface LiveRooms {
  /**
   * Re-checks every connection in the group's room against the policy (left, removed, banned,
   * group made private or secret: out at once), and lets in the connections of `memberIds` who
   * are now active members (approved, invitation accepted). Works across processes.
   */
  refreshGroupAccess(groupId: string, memberIds?: readonly string[]): Promise<void>;
}

export interface GroupRoomAccess {
  /** The policy lets them read the group's content. */
  mayRead: boolean;
  /** They are an active member: in the room whether or not a page watches it. */
  active: boolean;
}

/**
 * Which rooms a connection may be in: a feature supplies them (app.ts gives the groups feature's
 * live-rooms.ts), each answer after the policy module agrees, so that core names no feature.
 */
export interface LiveRoomRules {
  /** The rooms a connection joins at once. */
  roomsOnConnect(db: DbOrTx, viewer: Viewer): Promise<string[]>;
  /** A client's `watch` target, checked; null when malformed. */
  parseWatchTarget(value: unknown): WatchTarget | null;
  /** A stable name for a target, so that `unwatch` finds what `watch` granted. */
  watchKey(target: WatchTarget): string;
  /** The room of the wall a page shows, if the policy lets this member read it; else null. */
  resolveWatch(db: DbOrTx, viewer: Viewer, target: WatchTarget): Promise<string | null>;
  /** For each of these members, whether they may be in the group's room. */
  groupRoomAccess(db: DbOrTx, groupId: string, memberIds: readonly string[]): Promise<Map<string, GroupRoomAccess>>;
  isActiveMember(db: DbOrTx, groupId: string, memberId: string): Promise<boolean>;
}

const viewerOf = (member: SessionMember): Viewer => ({ id: member.id, role: member.role, emailVerified: member.emailVerified });

/**
 * socket.io on the same HTTP server. Only signed-in members connect; the server, not the client,
 * decides which rooms a socket joins, each after the policy module agrees (the `rooms` rules).
 */
export const realtimePlugin = fp<{ config: Config; rooms: LiveRoomRules; crossProcess?: boolean }>(async (app, { config, rooms: rules, crossProcess = false }) => {
  const { groupRoomAccess, isActiveMember, parseWatchTarget, resolveWatch, roomsOnConnect, watchKey } = rules;
  const adapter = crossProcess ? crossProcessAdapter(app) : null;
  const io = new Server<LiveClientEvents, Record<string, never>, Record<string, never>, SocketData>(app.server, {
    path: '/socket.io',
    serveClient: false,
    destroyUpgrade: false, // other upgrade handlers (Vite's hot reload, the streaming API) share the server
    ...(adapter ? { adapter: adapter.create } : {}),
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      callback(null, !origin || origin === config.publicUrl.origin || origin === `http://${req.headers.host}` || origin === `https://${req.headers.host}`);
    },
  });

  // Rooms are worked out before the connection is accepted: once connected, a client receives
  // everything its rooms get.
  io.use(async (socket, next) => {
    const token = parseCookie(socket.request.headers.cookie ?? '', SESSION_COOKIE);
    let session;
    try {
      session = token ? await validateSessionToken(app.dbHandle, token) : null;
    } catch (error) {
      // The database away is not a signed-out member: the client may try again.
      app.log.warn({ err: error }, 'could not check a live connection\'s session');
      return next(new Error('unavailable'));
    }
    if (!session) return next(new Error('unauthenticated'));
    try {
      socket.data.initialRooms = await roomsOnConnect(app.db, viewerOf(session.member));
    } catch (error) {
      app.log.warn({ err: error }, 'could not work out live rooms');
      return next(new Error('unavailable'));
    }
    socket.data.member = session.member;
    socket.data.sessionPublicId = session.publicId;
    socket.data.watching = [];
    next();
  });

  io.on('connection', (socket) => {
    void socket.join([sessionRoom(socket.data.sessionPublicId), ...socket.data.initialRooms]);
    socket.on('watch', (target, ack) => {
      watch(socket, target).then(
        (ok) => (typeof ack === 'function' ? ack({ ok }) : undefined),
        (error: unknown) => {
          app.log.warn({ err: error }, 'live watch failed');
          if (typeof ack === 'function') ack({ ok: false });
        },
      );
    });
    socket.on('unwatch', (target) => {
      unwatch(socket, target).catch((error: unknown) => app.log.warn({ err: error }, 'live unwatch failed'));
    });
  });

  async function watch(socket: LiveSocket, value: unknown): Promise<boolean> {
    const target = parseWatchTarget(value);
    if (!target) return false;
    const key = watchKey(target);
    const existing = socket.data.watching.find((w) => w.key === key);
    if (existing && socket.rooms.has(existing.room)) return true;
    // Left behind when the room's doors closed on it (refreshGroupAccess): ask the policy again.
    if (existing) socket.data.watching = socket.data.watching.filter((w) => w !== existing);
    if (socket.data.watching.length >= MAX_WATCHED) return false;
    const room = await resolveWatch(app.db, viewerOf(socket.data.member), target);
    if (!room || !socket.connected) return false;
    socket.data.watching.push({ key, room });
    await socket.join(room);
    return true;
  }

  async function unwatch(socket: LiveSocket, value: unknown): Promise<void> {
    const target = parseWatchTarget(value) as WatchTarget | null;
    if (!target) return;
    const key = watchKey(target);
    const entry = socket.data.watching.find((w) => w.key === key);
    if (!entry) return;
    socket.data.watching = socket.data.watching.filter((w) => w !== entry);
    // Still needed: another page's watch, or a room the connection holds by right.
    if (socket.data.watching.some((w) => w.room === entry.room)) return;
    if (entry.room === rooms.network && socket.data.initialRooms.includes(rooms.network)) return;
    const groupId = entry.room.startsWith('group:') ? entry.room.slice('group:'.length) : null;
    if (groupId && (await isActiveMember(app.db, groupId, socket.data.member.id))) return;
    await socket.leave(entry.room);
  }

  const live: LiveSessions & LiveRooms = {
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
    async refreshGroupAccess(groupId, memberIds = []) {
      const room = rooms.group(groupId);
      const present = await io.in(room).fetchSockets();
      const access = await groupRoomAccess(app.db, groupId, [...present.map((s) => s.data.member.id), ...memberIds]);
      const leaving: Array<Promise<void> | void> = [];
      for (const socket of present) {
        const verdict = access.get(socket.data.member.id);
        // A member stays by right while active; anyone else only while a page watches and may read.
        const watching = socket.data.watching.some((w) => w.room === room);
        if (verdict?.mayRead && (verdict.active || watching)) continue;
        socket.data.watching = socket.data.watching.filter((w) => w.room !== room); // in this process; elsewhere `watch` notices
        leaving.push(socket.leave(room));
      }
      await Promise.all(leaving);
      const admitted = memberIds.filter((id) => {
        const verdict = access.get(id);
        return verdict?.mayRead === true && verdict.active;
      });
      if (admitted.length > 0) io.in(admitted.map(userRoom)).socketsJoin(room);
    },
  };

  app.decorate('io', io as unknown as Server);
  app.decorate('liveListening', () => adapter?.listening() ?? true);
  app.decorate('live', live);
  // Before Fastify closes the HTTP server: end live connections so shutdown does not wait on them.
  app.addHook('preClose', async () => {
    io.disconnectSockets(true);
    io.engine.close();
  });
  if (adapter) app.addHook('onClose', async () => adapter.close(io));
}, { name: 'realtime', dependencies: ['db'] });

/**
 * socket.io's PostgreSQL adapter (LISTEN/NOTIFY), on a small pool of its own since one connection
 * stays LISTENing: rooms, broadcasts and server-side emits then span every process on the database.
 * When PostgreSQL restarts, the adapter LISTENs again on a new connection by itself (every ~2 s
 * until it is back); events published meanwhile are lost, as with any restart of a process.
 */
function crossProcessAdapter(app: FastifyInstance) {
  const pool = new pg.Pool({ ...app.dbHandle.pool.options, max: 3, ...RESILIENT_CONNECTIONS });
  let closing = false;
  pool.on('error', (error) => app.log.warn({ err: error }, 'live adapter: database connection lost'));
  survivePoolConnectionLoss(pool);
  const listener = listenerPool(pool);
  return {
    listening: listener.listening,
    create: createAdapter(listener.pool, { errorHandler: (error) => void (closing || app.log.warn({ err: error }, 'live adapter failed')) }),
    async close(io: { of(name: '/'): { adapter: { close(): unknown } } }) {
      closing = true;
      io.of('/').adapter.close();
      await pool.end();
    },
  };
}

/**
 * The adapter checks out its LISTEN connection and never gives it back, not even when the
 * connection dies: three restarts would use up the pool, and it would hear nothing again. What it
 * is handed here goes back to the pool (to be thrown away) when its connection ends; `listening`
 * says whether it holds a live one (/readyz waits for it after an outage: events sent by other
 * processes before it LISTENs again are lost).
 */
function listenerPool(pool: pg.Pool) {
  let live = 0;
  const wrapped = {
    query: pool.query.bind(pool),
    async connect() {
      const client = await pool.connect();
      live += 1;
      client.once('end', () => {
        live -= 1;
        client.release(new Error('the LISTEN connection ended'));
      });
      return client;
    },
  };
  return { pool: wrapped as unknown as pg.Pool, listening: () => live > 0 };
}

function parseCookie(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}
