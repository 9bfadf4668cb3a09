import { defineConfig } from 'vitest/config';

// Fault tests: real processes (caucus serve, PostgreSQL clusters of their own, full filesystems,
// killed uploads). Each file owns what it starts; files run one at a time, since two cores are
// already shared by the server under test and its database.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.fault.ts'],
    globalSetup: ['./global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
