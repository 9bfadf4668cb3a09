import { expect } from 'vitest';
import type { TestApp } from './test-app.ts';

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Answer = Awaited<ReturnType<TestApp['request']>>;

/** Short calls to `/api/v1` as a member (a session token, or null for a visitor), and `ok` to expect a status and take the JSON. */
export function apiCalls(t: () => TestApp) {
  const api = (method: Method, url: string, as: string | null, payload?: unknown): Promise<Answer> =>
    t().request({ method, url: `/api/v1${url}`, as, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });
  async function ok<T = Record<string, unknown>>(response: Promise<Answer>, status = 200): Promise<T> {
    const answer = await response;
    expect(answer.statusCode, answer.body.slice(0, 300)).toBe(status);
    return answer.json() as T;
  }
  return { api, ok };
}
