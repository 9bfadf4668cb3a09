import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/server.ts';

// PGlite starts PostgreSQL with fsync off and its Node filesystem drops fsync calls: a power cut
// could lose or corrupt commits the server had acknowledged (strace: 0 fsync over 50 commits).
const COMMITS = 50;
const strace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0;
if (!strace) console.warn('embedded-durability: skipped, strace is not installed (apt-get install strace)');

// Opens the embedded database the way `caucus serve` does, then commits COMMITS transactions,
// each between two markers, so that only the syncs of the commits are counted.
const script = `
import { sql } from 'kysely';
import { openDatabase } from './src/core/db.ts';
const handle = await openDatabase({ pgliteDir: process.argv[1], pgliteOwner: 'durability-test' });
await sql\`CREATE TABLE tract (id serial PRIMARY KEY, body text)\`.execute(handle.db);
process.kill(process.pid, 0); // the markers: kill(pid, 0) is all the tracer sees of them
for (let i = 0; i < ${COMMITS}; i++) {
  await handle.db.transaction().execute((tx) => sql\`INSERT INTO tract (body) VALUES (\${'Tract n°' + i})\`.execute(tx));
}
process.kill(process.pid, 0);
await handle.close();
`;

describe.skipIf(!strace)('the embedded engine makes each commit durable', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'caucus-durable-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('fsyncs at least once for every commit it acknowledges (0 fsync over 50 commits)', (context) => {
    const log = path.join(dataDir, 'strace.log');
    const run = spawnSync('strace', ['-f', '-o', log, '--seccomp-bpf', '-e', 'trace=fsync,fdatasync,sync_file_range,syncfs,kill', '-qq',
      process.execPath, '--input-type=module', '-e', script, path.join(dataDir, 'db')], { cwd: path.join(repoRoot, 'server'), encoding: 'utf8', timeout: 120_000 });
    if (/ptrace|Operation not permitted/i.test(run.stderr) && run.status !== 0) context.skip(`strace cannot trace here: ${run.stderr.trim()}`);
    expect(run.status, run.stderr).toBe(0);

    const lines = readFileSync(log, 'utf8').split('\n');
    const start = lines.findIndex((line) => /\bkill\(\d+, 0\)/.test(line));
    const end = lines.findLastIndex((line) => /\bkill\(\d+, 0\)/.test(line));
    expect(start).toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const syncs = lines.slice(start, end).filter((line) => /\b(fsync|fdatasync|sync_file_range|syncfs)\(/.test(line));
    expect(syncs.length).toBeGreaterThanOrEqual(COMMITS);
  });
});
