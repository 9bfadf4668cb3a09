import { createHash, randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import pg from 'pg';

export const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);

export interface Figure { requestsPerSecond: number; p50Ms: number; p99Ms: number; errors: number; non2xx: number }

/** What one autocannon connection sends: its own path (else the URL's) and headers (e.g. its member's cookie). */
export interface PerConnection { path?: string; headers?: Record<string, string> }

/** autocannon after a 2-second warm-up; `perConnection` lets each connection be its own member, on its own path. */
export async function measure(url: string, options: { connections: number; headers?: Record<string, string>; method?: 'GET' | 'POST'; body?: string; perConnection?: PerConnection[] }): Promise<Figure> {
  let next = 0;
  const perConnection = options.perConnection;
  const run = (duration: number) => autocannon({
    url,
    connections: options.connections,
    duration,
    method: options.method ?? 'GET',
    headers: options.headers ?? {},
    ...(options.body ? { body: options.body } : {}),
    ...(perConnection
      ? {
          requests: [{
            setupRequest: (request: Record<string, unknown>, context: Record<string, unknown>) => {
              context.own ??= perConnection[next++ % perConnection.length];
              const own = context.own as PerConnection;
              return { ...request, ...(own.path ? { path: own.path } : {}), headers: { ...(request.headers as object), ...own.headers } };
            },
          }],
        }
      : {}),
  } as autocannon.Options);
  await run(2);
  const result = await run(DURATION_S);
  return { requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

/** Signed-in cookies for many members at once, written straight into `sessions` (a login per member would only measure argon2). */
export async function sessionsFor(databaseUrl: string, memberIds: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const tokens = memberIds.map(() => randomBytes(20).toString('hex'));
  await client.query(
    `INSERT INTO sessions (id, public_id, member_id, expires_at, user_agent)
     SELECT h, p, m, now() + interval '1 day', 'bench' FROM unnest($1::text[], $2::text[], $3::uuid[]) AS t(h, p, m)`,
    [tokens.map((t) => createHash('sha256').update(t).digest('hex')), tokens.map(() => randomBytes(8).toString('hex')), memberIds],
  );
  await client.end();
  return tokens.map((t) => `caucus_session=${t}`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
