#!/usr/bin/env node
/**
 * `node scripts/mutation-score.mjs [AREA...]`: the scores of the committed incremental results
 * (test/mutation/incremental/<area>.json), without running anything. Two scores per area:
 *  - as Stryker counts: (killed + timed out) / (killed + timed out + survived + no coverage);
 *  - of runtime mutants only: the same without the static mutants (code that runs when a module
 *    loads: constant tables, rule metadata, regular expressions built once). Stryker's vitest
 *    runner turns such a mutant on only after the module has loaded when a test filter picks
 *    the tests to run (perTest coverage), so a static mutant whose change acts only while the
 *    module loads is reported Survived whatever the tests assert (stryker-js issues #6144 and
 *    #6209). Those survivors are not measured; docs/testing.md says how they are treated.
 */
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../test/mutation/incremental/', import.meta.url);
const wanted = process.argv.slice(2);
const areas = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).filter((a) => wanted.length === 0 || wanted.includes(a));

const percent = (detected, undetected) => (detected + undetected === 0 ? 'n/a' : `${((100 * detected) / (detected + undetected)).toFixed(2)}%`);

console.log('| area | score (as Stryker counts) | runtime mutants: score | killed | timed out | survived | no coverage | static: killed / survived (unmeasured) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const area of areas) {
  const results = JSON.parse(readFileSync(new URL(`${area}.json`, dir), 'utf8'));
  const count = { static: {}, runtime: {} };
  for (const file of Object.values(results.files)) {
    for (const mutant of file.mutants) {
      const kind = mutant.static ? count.static : count.runtime;
      kind[mutant.status] = (kind[mutant.status] ?? 0) + 1;
    }
  }
  const n = (kind, status) => count[kind][status] ?? 0;
  const all = (status) => n('static', status) + n('runtime', status);
  const stryker = percent(all('Killed') + all('Timeout'), all('Survived') + all('NoCoverage'));
  const runtime = percent(n('runtime', 'Killed') + n('runtime', 'Timeout'), n('runtime', 'Survived') + n('runtime', 'NoCoverage'));
  console.log(`| ${area} | ${stryker} | ${runtime} | ${n('runtime', 'Killed')} | ${n('runtime', 'Timeout')} | ${n('runtime', 'Survived')} | ${n('runtime', 'NoCoverage')} | ${n('static', 'Killed') + n('static', 'Timeout')} / ${n('static', 'Survived') + n('static', 'NoCoverage')} |`);
}
