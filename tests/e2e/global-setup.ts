import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from '../support/postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/** One PostgreSQL for the run: DATABASE_URL when given (CI), else a throwaway cluster. Empty string: embedded engine. */
export default async function setup(project: TestProject): Promise<() => void> {
  if (process.env.E2E_EMBEDDED === '1') {
    project.provide('databaseUrl', '');
    return () => {};
  }
  if (process.env.DATABASE_URL) {
    project.provide('databaseUrl', process.env.DATABASE_URL);
    return () => {};
  }
  const cluster = await startThrowawayPostgres();
  project.provide('databaseUrl', cluster.url);
  return () => cluster.stop();
}
