import { defineConfig } from 'vitest/config';
import { V8_FLAGS } from './src/v8-flags.js';

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
    // NOTE: the test workers run with the V8 flags of the CLI and the action (src/v8-flags.ts).
    execArgv: [...V8_FLAGS],
  },
});
