/**
 * Shared pieces of the fuzz tests: seed files, the engine entry point, the invariants every
 * report must satisfy, and how many runs to do (a fixed-seed slice in CI, more under
 * `npm run fuzz`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
import type { Report } from '../../src/core/report.js';
import { LineIndex } from '../../src/core/source.js';
import { checkMigrations } from '../../src/engine.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * fast-check settings: `ciRuns` with a fixed seed in CI; `FUZZ_RUNS` / `costFactor` runs and
 * `FUZZ_SEED` under `npm run fuzz` (scripts/fuzz.ts). `costFactor` scales expensive
 * properties (one process per run) down.
 */
export function fuzzParameters(ciRuns: number, costFactor = 1): { numRuns: number; seed: number } {
  const runs = Number(process.env.FUZZ_RUNS);
  const seed = Number(process.env.FUZZ_SEED);
  return { numRuns: Number.isInteger(runs) && runs > 0 ? Math.ceil(runs / costFactor) : ciRuns, seed: Number.isInteger(seed) ? seed : 20261125 };
}

/** Per-test time limit: generous, so only a hang fails it. Scales with the number of runs. */
export function fuzzTimeout(ciRuns: number, perRunMs: number, costFactor = 1): number {
  return 30_000 + fuzzParameters(ciRuns, costFactor).numRuns * perRunMs;
}

/**
 * Real migration files to mutate: the DEV corpus next to the repository when present,
 * else the repository's examples (a clean clone). Files over 64 KB are left out to keep
 * each run fast; size is fuzzed separately.
 */
export function seedFiles(): Array<{ path: string; text: string }> {
  const corpus = path.resolve(ROOT, '../shared/corpus');
  const dir = existsSync(corpus) ? corpus : path.join(ROOT, 'examples');
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.sql'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => statSync(file).size <= 64 * 1024)
    .sort()
    .map((file) => ({ path: path.relative(dir, file), text: readFileSync(file, 'utf8') }));
}

/** The path fuzzed text is checked under: a plain migration, so the whole text is one section. */
export const FUZZ_PATH = 'fuzz/case.sql';

/** Runs the engine on one file with the default configuration. */
export function checkText(text: string, filePath = FUZZ_PATH): Promise<Report> {
  return checkMigrations([{ path: filePath, text, change: 'added' }], defaultConfig());
}

/**
 * What every report must satisfy, whatever the input: findings name the input file, their
 * positions lie inside it, statements are in order and inside it, and no rule crashed.
 */
export function expectSoundReport(report: Report, text: string, filePath = FUZZ_PATH): void {
  const lines = new LineIndex(text);
  const crashed = report.findings.filter((f) => f.messageId === 'internalError');
  expect(crashed.map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
  for (const finding of report.findings) {
    expect(finding.file).toBe(filePath);
    expect(finding.span.startOffset).toBeGreaterThanOrEqual(0);
    expect(finding.span.endOffset).toBeLessThanOrEqual(text.length);
    expect(finding.span.start.line).toBeGreaterThanOrEqual(1);
    expect(finding.span.end.line).toBeLessThanOrEqual(lines.lineCount);
  }
  const statements = report.files.flatMap((f) => f.statements);
  statements.forEach((s, i) => {
    expect(s.index).toBe(i);
    expect(s.line).toBeGreaterThanOrEqual(1);
    expect(s.endLine).toBeLessThanOrEqual(lines.lineCount);
  });
}

/** Blocking parse-error findings (syntax errors and limits) in a report. */
export function parseErrors(report: Report) {
  return report.findings.filter((f) => f.ruleId === 'parse-error' && f.severity === 'error');
}
