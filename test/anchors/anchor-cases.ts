/**
 * The anchors' own test cases (test/anchors/cases.yml), run through `checkMigrations`: the
 * reader of the data file and the scorer behind anchors.test.ts and its recall table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MAX_POSTGRES_VERSION, validateConfig } from '../../src/core/config.js';
import type { InputFile } from '../../src/core/migration.js';
import { checkMigrations } from '../../src/engine.js';
import { allRules } from '../../src/rules/index.js';

/** Where an anchor's cases come from. */
export interface AnchorSource {
  repository: string;
  commit: string;
  licence: string;
  paths: string[];
}

/** One case of an anchor's test suite, as SQL. */
export interface AnchorCase {
  anchor: string;
  /** The anchor's rule the case tests (squawk's rule name, eugene's E/W id, ...). */
  rule: string;
  /** The anchor's file (and test name) the case comes from. */
  source: string;
  /** What the anchor expects: its rule fires (`flag`) or stays silent (`pass`). */
  expect: 'flag' | 'pass';
  /** The migration, one file; or `migrations`, several files applied in order. */
  sql?: string;
  migrations?: string[];
  /** Schema already applied: a migration before the case's, applied history under scope each-file. */
  history?: string;
  postgres?: number;
  /** The tool runs the file in one transaction (squawk's assume_in_transaction). */
  transaction?: boolean;
  /** We answer the opposite of the anchor, on purpose: why (also in docs/rule-comparison.md). */
  disagree?: string;
  /** We agree with the anchor but do not answer so yet: what is missing. */
  gap?: string;
}

/** The data file: sources, each anchor rule's hazard as our rule ids, and the cases. */
export interface AnchorData {
  sources: Record<string, AnchorSource>;
  hazards: Record<string, Record<string, string[]>>;
  cases: AnchorCase[];
}

export const ANCHOR_DATA_FILE = path.resolve(import.meta.dirname, 'cases.yml');

export function readAnchorData(): AnchorData {
  return parseYaml(readFileSync(ANCHOR_DATA_FILE, 'utf8')) as AnchorData;
}

/** A case's label in test names and failure messages. */
export function caseLabel(c: AnchorCase): string {
  return `${c.anchor} ${c.rule} ${c.source} (${c.expect})`;
}

const HISTORY_PATH = 'migrations/0001_history.sql';

/** The files a case checks: its history (unchanged) and its migrations (added), in order. */
export function caseFiles(c: AnchorCase): InputFile[] {
  const migrations = c.migrations ?? (c.sql === undefined ? [] : [c.sql]);
  // NOTE: squawk's assume_in_transaction and eugene's scripts model a tool that wraps each file
  // in a transaction; we write that transaction out, so the plain convention sees it.
  const wrap = (sql: string) => (c.transaction ? `BEGIN;\n${sql}\nCOMMIT;\n` : sql);
  const files: InputFile[] = c.history === undefined ? [] : [{ path: HISTORY_PATH, text: c.history, change: 'added' }];
  migrations.forEach((sql, i) => files.push({ path: `migrations/${String(i + 2).padStart(4, '0')}_case.sql`, text: wrap(sql), change: 'added' }));
  return files;
}

/** The result of one case: the mapped rule ids that fired. */
export interface CaseResult {
  fired: string[];
  /** Every unsuppressed rule id that fired, for failure messages. */
  all: string[];
}

/** Runs a case through the static rules (replay off) and returns which mapped rules fired. */
export async function runCase(c: AnchorCase, hazards: readonly string[]): Promise<CaseResult> {
  // NOTE: Postgres 19 (squawk's prefer-repack) is beyond our range: such cases run at our newest.
  const config = validateConfig({ 'postgres-version': Math.min(c.postgres ?? 15, MAX_POSTGRES_VERSION), replay: { mode: 'off' } }, allRules);
  // NOTE: scope each-file: the history is applied (parsed, never judged) and each migration is
  // judged with the ones before it applied, as the anchors lint each file.
  const report = await checkMigrations(caseFiles(c), config, { scope: 'each-file' });
  const all = [...new Set(report.findings.filter((f) => !f.suppression && f.file !== HISTORY_PATH).map((f) => f.ruleId))];
  return { fired: all.filter((id) => hazards.includes(id)), all };
}

/** Whether our answer is the anchor's: a flag case fired a mapped rule, a pass case none. */
export function agrees(c: AnchorCase, result: CaseResult): boolean {
  return (c.expect === 'flag') === result.fired.length > 0;
}

/** Per anchor: flag cases caught, of all flag cases and of those we agree with. */
export interface Recall {
  anchor: string;
  flagCases: number;
  caught: number;
  disagreed: number;
  gaps: number;
  passCases: number;
  passClean: number;
}

export function recallTable(cases: readonly AnchorCase[], results: ReadonlyMap<AnchorCase, CaseResult>): Recall[] {
  const anchors = [...new Set(cases.map((c) => c.anchor))];
  return anchors.map((anchor) => {
    const mine = cases.filter((c) => c.anchor === anchor);
    const flags = mine.filter((c) => c.expect === 'flag');
    const passes = mine.filter((c) => c.expect === 'pass');
    return {
      anchor,
      flagCases: flags.length,
      caught: flags.filter((c) => results.get(c)!.fired.length > 0).length,
      disagreed: flags.filter((c) => c.disagree).length,
      gaps: flags.filter((c) => c.gap).length,
      passCases: passes.length,
      passClean: passes.filter((c) => results.get(c)!.fired.length === 0).length,
    };
  });
}

/** The recall table as Markdown rows (the format docs/rule-comparison.md records). */
export function recallRows(table: readonly Recall[]): string[] {
  const percent = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
  return table.map(
    (r) =>
      `| ${r.anchor} | ${r.caught}/${r.flagCases} (${percent(r.caught, r.flagCases)}) | ${r.caught}/${r.flagCases - r.disagreed} (${percent(r.caught, r.flagCases - r.disagreed)}) | ${r.disagreed} | ${r.gaps} | ${r.passClean}/${r.passCases} |`,
  );
}
