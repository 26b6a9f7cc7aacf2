import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // NOTE: test/corpus/ needs ../shared/corpus, which a clone does not have: `npm run test:corpus`.
    exclude: ['test/corpus/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // NOTE: two cores; PGlite and the Postgres server are memory- and CPU-hungry, so keep
    // parallelism modest to avoid timeouts on CI.
    maxWorkers: 2,
  },
});
