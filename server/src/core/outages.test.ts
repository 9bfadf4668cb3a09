import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { classifyOutage } from './outages.ts';

// Real failures where the machine can produce them: a refused connection, a connection the server
// ends, a write to a device with no room (/dev/full answers ENOSPC).
const caught = async (run: () => Promise<unknown>): Promise<unknown> => run().then(() => { throw new Error('expected a failure'); }, (error: unknown) => error);

describe('classifyOutage', () => {
  it('a refused connection is the database unavailable', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: 1, connectionTimeoutMillis: 2_000 });
    expect(classifyOutage(await caught(() => client.connect()))).toBe('database_unavailable');
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)('a connection the server ends mid-session is the database unavailable', async () => {
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    client.on('error', () => undefined);
    await client.connect();
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const ending = caught(() => client.query('SELECT pg_sleep(5)'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    // pg_cancel_backend would be 57014 (a cancelled query, not an outage); terminate ends the session.
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    expect(classifyOutage(await ending)).toBe('database_unavailable');
  });

  it('ENOSPC from a write is a full disk', async () => {
    expect(classifyOutage(await caught(() => writeFile('/dev/full', 'x')))).toBe('disk_full');
  });

  it('PostgreSQL\'s disk_full (53100) is a full disk; its other resource shortages and shutdowns are the database unavailable', () => {
    // The SQLSTATE fields as pg's DatabaseError carries them (a full disk on a server is not ours to make in a test).
    expect(classifyOutage(Object.assign(new Error('could not extend file'), { code: '53100' }))).toBe('disk_full');
    expect(classifyOutage(Object.assign(new Error('sorry, too many clients already'), { code: '53300' }))).toBe('database_unavailable');
    expect(classifyOutage(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe('database_unavailable');
    expect(classifyOutage(new Error('outer', { cause: Object.assign(new Error('inner'), { code: 'ENOSPC' }) }))).toBe('disk_full');
  });

  it('a bug or a constraint is neither', () => {
    expect(classifyOutage(Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }))).toBeNull();
    expect(classifyOutage(new TypeError('Cannot read properties of undefined'))).toBeNull();
    expect(classifyOutage('a string')).toBeNull();
  });
});
