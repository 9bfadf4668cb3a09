import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../support/server.ts';

/** `caucus serve` needs the web build: CI's e2e step leaves one; a fresh clone builds it once. */
export default function setup(): void {
  if (existsSync(path.join(repoRoot, 'web/build/handler.js'))) return;
  execFileSync('pnpm', ['build'], { cwd: repoRoot, stdio: 'inherit' });
}
