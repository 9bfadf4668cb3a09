import { defineConfig } from 'vitest/config';

// Browser tests: each file starts its own `caucus serve` on its own database; files run one at a
// time (two cores: Chromium, the server and PostgreSQL already share them).
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.e2e.ts'],
    globalSetup: ['./global-setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    // A page waits on argon2 and server rendering on a busy two-core machine: poll up to 10 s.
    expect: { poll: { timeout: 10_000, interval: 100 } },
    hookTimeout: 120_000,
  },
});
