import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // NOTE: two cores; PGlite and the Postgres server are memory- and CPU-hungry, so keep
    // parallelism modest to avoid timeouts on CI.
    maxWorkers: 2,
  },
});
