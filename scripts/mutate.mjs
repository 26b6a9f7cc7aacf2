#!/usr/bin/env node
/**
 * `npm run mutate [-- AREA... [stryker options]]`: runs StrykerJS once per area of
 * test/mutation/areas.json (all of them by default), each with its own incremental file.
 * `npm run mutate -- --mutate GLOB` runs one ad-hoc scope instead (its results stay in
 * reports/). See docs/testing.md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const areas = JSON.parse(readFileSync(new URL('../test/mutation/areas.json', import.meta.url), 'utf8'));
const args = process.argv.slice(2);
const firstOption = args.findIndex((arg) => arg.startsWith('-'));
const named = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);
const unknown = named.filter((name) => !(name in areas));
if (unknown.length > 0) {
  console.error(`unknown mutation area ${unknown.join(', ')}: the areas are ${Object.keys(areas).join(', ')} (test/mutation/areas.json)`);
  process.exit(2);
}
const adHoc = named.length === 0 && options.includes('--mutate');
const runs = adHoc ? [undefined] : named.length > 0 ? named : Object.keys(areas);

const stryker = path.join(path.dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin/stryker.js');
for (const area of runs) {
  console.log(`\n== mutation area: ${area ?? 'ad hoc'}`);
  // NOTE: Stryker's test-runner process keeps which test reached which mutant ("perTest"):
  // with core's 99 test files and 3,800 mutants it outgrew Node's default heap (about 4 GB
  // here) in the initial run and crashed twice ("ran out of memory").
  const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-old-space-size=12288'].filter(Boolean).join(' ') };
  if (area) env.MUTATION_AREA = area;
  else delete env.MUTATION_AREA;
  const result = spawnSync(process.execPath, [stryker, 'run', ...options], { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
