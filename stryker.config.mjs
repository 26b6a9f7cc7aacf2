// @ts-check
/**
 * Mutation testing (`npm run mutate`, docs/testing.md): StrykerJS changes the code of the pure
 * layers and the gate one small edit at a time and reruns the tests that reached each edit;
 * an edit no test notices ("survived") is behaviour no test pins down. The areas and their
 * tests are in test/mutation/areas.json; scripts/mutate.mjs runs them one at a time and sets
 * MUTATION_AREA.
 */
import { readFileSync } from 'node:fs';

/** @type {Record<string, { mutate: string[]; testFiles: string[] }>} */
const areas = JSON.parse(readFileSync(new URL('./test/mutation/areas.json', import.meta.url), 'utf8'));
const areaName = process.env.MUTATION_AREA ?? 'custom';
const area = areas[areaName];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // NOTE: without an area (`npm run mutate -- --mutate GLOB`), every area's files are candidates.
  mutate: area ? area.mutate : Object.values(areas).flatMap((one) => one.mutate.filter((glob) => !glob.startsWith('!'))).concat('!src/**/*.d.ts'),
  // NOTE: an area's own tests only, when it lists them: on two shared cores, a mutant that
  // survives reruns every test that reached it, and most of the suite reaches the core.
  ...(area && area.testFiles.length > 0 ? { testFiles: area.testFiles } : {}),
  testRunner: 'vitest',
  // NOTE: forks, not threads: the test workers take the V8 flags of src/v8-flags.ts, which
  // worker threads refuse. vitest.mutate.config.ts leaves out the e2e and database tests.
  vitest: { configFile: 'vitest.mutate.config.ts', pool: 'forks' },
  // NOTE: each mutant reruns only the tests that reached it in the initial run.
  coverageAnalysis: 'perTest',
  // NOTE: one committed result file per area: a rerun tests only mutants whose code or
  // covering tests changed (Stryker writes the file with the run's own files only).
  incremental: true,
  incrementalFile: area ? `test/mutation/incremental/${areaName}.json` : 'reports/mutation/custom-incremental.json',
  // NOTE: two cores shared with other work: one test process at a time. Static mutants
  // (module-level constants: regular expressions, tables) need every test of the area rerun
  // in a fresh module graph and took about two thirds of a run: they are left out
  // (reported as "ignored"); `--ignoreStatic false` includes them.
  concurrency: 1,
  ignoreStatic: true,
  timeoutMS: 20_000,
  ignorePatterns: ['.cache', 'reports', 'coverage'],
  reporters: ['progress-append-only', 'clear-text', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${areaName}.html` },
  jsonReporter: { fileName: `reports/mutation/${areaName}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
