#!/usr/bin/env node
/**
 * Behaviour-unchanged check for refactors: saves the JSON report of the bundled CLI
 * (`node dist/cli.js check --replay off --format json DIR`) for the examples and each corpus
 * project, then compares a later build's reports with them byte for byte.
 *
 *   scripts/node24.sh node scripts/compare-reports.mjs save    OUT_DIR [--runs N] [TARGET...]
 *   scripts/node24.sh node scripts/compare-reports.mjs compare OUT_DIR [--runs N] [TARGET...]
 *   scripts/node24.sh node scripts/compare-reports.mjs time    OLD_DIST [--runs N] [TARGET...]
 *
 * TARGETs default to examples/unsafe, examples/safe and every directory of ../shared/corpus.
 * `--runs N` also runs each target N times and prints the median wall time (for a speed
 * comparison before and after; run it under `nice` on a shared machine). `compare` exits 1
 * and names each target whose report or exit code changed, with the first differing bytes.
 * `time` runs another build's CLI (OLD_DIST, e.g. `git archive BASE dist | tar -x -C /tmp/old`
 * gives /tmp/old/dist) and this one in turn, N times each, and prints both medians: on a
 * loaded machine, alternating runs see the same load.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { positionals, values } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '0' } } });
const [mode, outDir, ...named] = positionals;
if (!['save', 'compare', 'time'].includes(mode) || !outDir) {
  console.error('usage: compare-reports.mjs save|compare OUT_DIR [--runs N] [TARGET...], or time OLD_DIST [--runs N] [TARGET...]');
  process.exit(2);
}
const runs = Number(values.runs);

function defaultTargets() {
  const corpus = path.join(root, '../shared/corpus');
  const projects = existsSync(corpus) ? readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => path.relative(root, path.join(corpus, e.name))) : [];
  return ['examples/unsafe', 'examples/safe', ...projects.sort()];
}

function check(target, dist = path.join(root, 'dist')) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'check', '--replay', 'off', '--format', 'json', target], { cwd: root, maxBuffer: 1 << 30 });
  const ms = performance.now() - started;
  if (run.error) throw run.error;
  return { report: run.stdout, exit: run.status, stderr: run.stderr.toString(), ms };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (mode === 'time') {
  const old = path.resolve(outDir);
  for (const target of named.length > 0 ? named : defaultTargets()) {
    const times = { old: [], new: [] };
    for (let i = 0; i < Math.max(runs, 1); i++) {
      times.old.push(check(target, old).ms);
      times.new.push(check(target).ms);
    }
    const [before, after] = [median(times.old), median(times.new)];
    console.log(`${target}: ${Math.round(before)} ms -> ${Math.round(after)} ms (${after >= before ? '+' : ''}${(((after - before) / before) * 100).toFixed(1)}%, medians of ${times.new.length} alternating runs)`);
  }
  process.exit(0);
}

mkdirSync(outDir, { recursive: true });
let changed = 0;
for (const target of named.length > 0 ? named : defaultTargets()) {
  const name = target.replace(/[^\w.-]+/g, '_');
  const { report, exit, stderr } = check(target);
  const timing = runs > 0 ? ` median ${Math.round(median(Array.from({ length: runs }, () => check(target).ms)))} ms over ${runs} runs` : '';
  const reportFile = path.join(outDir, `${name}.json`);
  const exitFile = path.join(outDir, `${name}.exit`);
  if (mode === 'save') {
    writeFileSync(reportFile, report);
    writeFileSync(exitFile, `${exit}\n${stderr}`);
    console.log(`${target}: saved (${report.length} bytes, exit ${exit})${timing}`);
    continue;
  }
  const before = readFileSync(reportFile);
  const beforeExit = readFileSync(exitFile, 'utf8');
  if (before.equals(report) && beforeExit === `${exit}\n${stderr}`) {
    console.log(`${target}: identical (${report.length} bytes, exit ${exit})${timing}`);
    continue;
  }
  changed++;
  let at = 0;
  while (at < before.length && at < report.length && before[at] === report[at]) at++;
  console.log(`${target}: CHANGED (exit ${beforeExit.split('\n')[0]} -> ${exit}; ${before.length} -> ${report.length} bytes)${timing}`);
  console.log(`  first difference at byte ${at}:\n  before: ${before.subarray(Math.max(0, at - 80), at + 120)}\n  after:  ${report.subarray(Math.max(0, at - 80), at + 120)}`);
}
if (changed > 0) process.exitCode = 1;
