import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMember, createTestApp, login, STRONG_PASSWORD, type TestApp } from '../testing/test-app.ts';
import { userRoom } from './realtime.ts';

let t: TestApp;
let url: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await t.close();
});

/** How each socket's connection attempt ended, listened for from the start: a socket may connect before the test asks. */
const outcomes = new WeakMap<Socket, Promise<string>>();

function open(headers: Record<string, string>): Socket {
  const socket = connect(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, timeout: 5000, extraHeaders: headers });
  sockets.push(socket);
  outcomes.set(socket, new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
  }));
  return socket;
}

/** Resolves with 'connected', or with the refusal's message. */
const outcome = (socket: Socket) => outcomes.get(socket)!;

const nextEvent = (socket: Socket, event: string, ms = 1000) =>
  new Promise<unknown>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    socket.once(event, (payload: unknown) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });

const cookie = (token: string) => ({ cookie: `caucus_session=${token}`, origin: t.config.publicUrl.origin });

describe('live connection', () => {
  it('connects a member with a valid session into their own room, and only theirs', async () => {
    const alice = await createMember(t);
    const bob = await createMember(t);
    const socket = open(cookie(alice.token));
    expect(await outcome(socket)).toBe('connected');

    const mine = nextEvent(socket, 'test');
    t.app.io.to(userRoom(alice.id)).emit('test', { hello: 'alice' });
    expect(await mine).toEqual({ hello: 'alice' });

    const notMine = nextEvent(socket, 'test', 300);
    t.app.io.to(userRoom(bob.id)).emit('test', { hello: 'bob' });
    expect(await notMine).toBeUndefined();
  });

  it('refuses a connection without a session cookie', async () => {
    expect(await outcome(open({ origin: t.config.publicUrl.origin }))).toBe('refused: unauthenticated');
  });

  it('refuses a connection with a made-up or ended session', async () => {
    expect(await outcome(open(cookie('abcdefghijklmnopqrstuvwxyz234567')))).toBe('refused: unauthenticated');
    const member = await createMember(t);
    await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: member.token });
    expect(await outcome(open(cookie(member.token)))).toBe('refused: unauthenticated');
  });

  it('ends the live connections of a session when the session ends: logout, revocation, logout of the others, password change', async () => {
    const disconnected = (socket: Socket, ms = 2000) =>
      new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), ms);
        socket.once('disconnect', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    const member = await createMember(t);
    const second = await login(t, member.email);
    const third = await login(t, member.email);

    // Logout ends this session's connection only.
    const a = open(cookie(second));
    const b = open(cookie(third));
    expect(await outcome(a)).toBe('connected');
    expect(await outcome(b)).toBe('connected');
    const aEnds = disconnected(a);
    await t.request({ method: 'POST', url: '/api/v1/auth/logout', as: second });
    expect(await aEnds).toBe(true);
    expect(b.connected).toBe(true);

    // Revoking a session from another device ends its connection.
    const sessions = (await t.request({ method: 'GET', url: '/api/v1/auth/sessions', as: member.token })).json().sessions as Array<{ id: string; current: boolean }>;
    const bEnds = disconnected(b);
    const thirdSession = sessions.find((s) => !s.current)!;
    expect((await t.request({ method: 'DELETE', url: `/api/v1/auth/sessions/${thirdSession.id}`, as: member.token })).statusCode).toBe(200);
    expect(await bEnds).toBe(true);

    // Logging out the others and changing the password keep this device's connection, end the rest.
    const fourth = await login(t, member.email);
    const mine = open(cookie(member.token));
    const theirs = open(cookie(fourth));
    expect(await outcome(mine)).toBe('connected');
    expect(await outcome(theirs)).toBe('connected');
    const theirsEnds = disconnected(theirs);
    await t.request({ method: 'POST', url: '/api/v1/auth/password', as: member.token, payload: { currentPassword: STRONG_PASSWORD, newPassword: 'Pivoine-Jaune-2031!' } });
    expect(await theirsEnds).toBe(true);
    expect(await disconnected(mine, 300)).toBe(false);
  });

  it('refuses a connection from a foreign origin, even with a valid session', async () => {
    const member = await createMember(t);
    const result = await outcome(open({ cookie: `caucus_session=${member.token}`, origin: 'https://evil.example' }));
    expect(result).toMatch(/^refused/);
  });
});
