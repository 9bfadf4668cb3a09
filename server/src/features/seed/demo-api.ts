import type { FastifyInstance } from 'fastify';
import { SESSION_COOKIE } from '@caucus/shared/constants.ts';
import { createSession } from '#core/session.ts';

/**
 * The demo's hands: requests to the real API as each demo member (injected, with a session made
 * for the seed and ended with `done`), so that every rule applies as it would for people.
 */
export interface DemoActors {
  as<T = unknown>(handle: string, method: 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown): Promise<T>;
  done(): Promise<void>;
}

export async function demoActors(app: FastifyInstance): Promise<DemoActors> {
  const db = app.db;
  const members = await db.selectFrom('members').select(['id', 'handle']).where('email', 'like', '%@demo.caucus.test').execute();
  const cookies = new Map<string, string>();
  for (const member of members) cookies.set(member.handle, `${SESSION_COOKIE}=${(await createSession(db, member.id, { userAgent: 'caucus seed', ip: null })).token}`);
  const origin = app.config.publicUrl.origin;
  return {
    async as<T>(handle: string, method: 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown): Promise<T> {
      const cookie = cookies.get(handle);
      if (!cookie) throw new Error(`No demo member @${handle}`);
      const response = await app.inject({ method, url: `/api/v1${url}`, headers: { cookie, origin }, ...(payload === undefined ? {} : { payload: payload as object }) });
      if (response.statusCode >= 300) throw new Error(`${method} ${url} as @${handle}: ${response.statusCode} ${response.body}`);
      return response.json() as T;
    },
    // The demo sessions were only for writing: nobody holds their tokens.
    async done() {
      await db.deleteFrom('sessions').where('user_agent', '=', 'caucus seed').execute();
    },
  };
}
