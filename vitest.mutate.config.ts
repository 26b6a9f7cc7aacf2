import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The test selection Stryker runs (`npm run mutate`, stryker.config.mjs). NOTE: a mutant lives
 * in the sandbox's instrumented TypeScript, so tests that run the bundled dist/ as a child
 * process (the e2e files) can never kill one; tests that start PostgreSQL or PGlite cost
 * seconds per mutant they cover and the in-process suites already reach the same code.
 */
export const MUTATION_EXCLUDED_TESTS = [
  'test/**/*.e2e.test.ts',
  'test/replay/**',
  'test/cases/postgres-versions.test.ts',
  'test/conventions-do-replay.test.ts',
  'test/postgres-server-setup.test.ts',
  'test/package.test.ts',
  'test/pre-commit-hook.test.ts',
  'test/stats/production-context.test.ts',
];

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: MUTATION_EXCLUDED_TESTS,
      // NOTE: Stryker's vitest runner starts one vitest run per mutant. With the default
      // `isolate: true` every test file of that run gets a fresh worker process that imports
      // the module graph and compiles libpg-query's WebAssembly again; without isolation the
      // files of a run share one process. Mutants are switched through a global at run time,
      // so nothing needs re-importing: this ran 1.6 times as many mutants a minute on the same
      // sample (docs/testing.md, Cost). The workers stay forks (stryker.config.mjs).
      isolate: false,
    },
  }),
);
