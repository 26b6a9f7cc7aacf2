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

export default mergeConfig(base, defineConfig({ test: { exclude: MUTATION_EXCLUDED_TESTS } }));
