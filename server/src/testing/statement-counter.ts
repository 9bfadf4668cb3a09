import type pg from 'pg';
import type { TestApp } from './test-app.ts';

// Counts the SQL statements the app sends to PostgreSQL while a function runs, at the pool, so that
// a test can hold a read to one round trip. Statements about the session (its lookup and its
// last-seen touch) are counted apart: the session cache decides whether they run at all.

type Query = pg.PoolClient['query'];

export interface StatementLog { statements: string[]; sessionStatements: string[] }

const textOf = (query: unknown): string => (typeof query === 'string' ? query : typeof query === 'object' && query !== null && 'text' in query ? String((query as { text: unknown }).text) : String(query));

export function statementCounter(t: TestApp): { during(run: () => Promise<unknown>): Promise<StatementLog> } {
  let log: StatementLog | null = null;
  const wrapped = new WeakSet<pg.PoolClient>();
  t.db.pool.on('acquire', (client) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const original = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      if (log) {
        const text = textOf(args[0]);
        (/\bsessions\b/.test(text) ? log.sessionStatements : log.statements).push(text.replace(/\s+/g, ' ').slice(0, 120));
      }
      return original(...args);
    }) as Query;
  });
  return {
    async during(run) {
      log = { statements: [], sessionStatements: [] };
      try {
        await run();
        return log;
      } finally {
        log = null;
      }
    },
  };
}
