/**
 * Production context for findings: the size, rows and traffic of each table a finding hits
 * (from the stats snapshot), an estimated duration range for work that scales with the
 * table, the lock held meanwhile and the queries it blocks per minute; then the
 * `size-thresholds:` policy (notices on tiny tables, blocking on large or hot ones) and the
 * blocking findings ordered by estimated impact. Pure; tables absent from the snapshot
 * leave their findings exactly as they were.
 */
import type { Config } from './config.js';
import { estimateRange, type Coefficients, type WorkKind } from './estimate.js';
import type { Finding, Severity } from './finding.js';
import type { BlockedOperation, LockMode } from './locks.js';
import type { Report } from './report.js';
import type { RuleMeta } from './rule.js';
import { type StatsSnapshot, type TableStats, tableIndex } from './stats.js';
import { computeVerdict } from './verdict.js';
import * as z from './zod.js';

/** A byte count: a number, or a string such as "10MB", "1.5 GiB", "800kB" (powers of 1024, as Postgres's pg_size_pretty). */
const byteSize = z.union([
  z.number().check(z.minimum(0)),
  z.string().check(z.regex(/^\s*\d+(\.\d+)?\s*(B|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB)?\s*$/, 'a size such as "10MB" or "2GB" (or a number of bytes)')),
]);

/** The `size-thresholds:` config key (every field has a default). */
export const sizeThresholdsSchema = z.prefault(
  z.strictObject({
    /** Below both: findings about locks and rewrites become notices (unless the table is hot). */
    tiny: z.prefault(z.strictObject({ rows: z._default(z.int().check(z.minimum(0)), 10_000), bytes: z._default(byteSize, '10MB') }), {}),
    /** At or above either: the table is large. */
    large: z.prefault(z.strictObject({ rows: z._default(z.int().check(z.minimum(0)), 10_000_000), bytes: z._default(byteSize, '10GB') }), {}),
    /** Reads plus writes per minute at or above which a table is hot. */
    'hot-queries-per-minute': z._default(z.number().check(z.minimum(0)), 600),
    /** Warnings about locks and rewrites on large or hot tables block like errors. */
    'raise-large': z._default(z.boolean(), true),
  }),
  {},
);

export type SizeThresholds = z.output<typeof sizeThresholdsSchema>;

const UNIT_BYTES: Record<string, number> = { B: 1, KB: 1024, KIB: 1024, MB: 1024 ** 2, MIB: 1024 ** 2, GB: 1024 ** 3, GIB: 1024 ** 3, TB: 1024 ** 4, TIB: 1024 ** 4 };

/** Bytes of a `byteSize` value ("10MB" is 10 × 1024², as pg_size_pretty counts). */
export function bytesOf(value: number | string): number {
  if (typeof value === 'number') return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(value)!;
  return Number(match[1]) * (UNIT_BYTES[(match[2] || 'B').toUpperCase()] ?? 1);
}

/**
 * The work a finding describes, if it scales with the table. NOTE: rewrites come from the
 * finding itself (the rule's or replay's verdict), since some type changes do not rewrite;
 * the rest from the rule's `work`.
 */
export function findingWork(finding: Pick<Finding, 'ruleId' | 'rewrite' | 'replay'>, ruleOf: ProductionContextInput['ruleOf']): WorkKind | undefined {
  if (finding.rewrite || (finding.replay?.rewrites.length ?? 0) > 0) return 'rewrite';
  return ruleOf(finding.ruleId)?.work;
}

/** One table a finding hits, as the snapshot describes it. */
export interface TableContext {
  /** The name as the migration writes it. */
  table: string;
  totalBytes: number;
  heapBytes: number;
  rows: number | null;
  indexes: number;
  /** Reads and writes per minute (pg_stat_statements calls when the snapshot has them, else pg_stat_user_tables). */
  readsPerMinute: number | null;
  writesPerMinute: number | null;
  traffic: 'pg_stat_statements' | 'pg_stat_user_tables';
  size: 'tiny' | 'medium' | 'large';
  hot: boolean;
}

/** The estimate for work that scales with the table. */
export interface WorkEstimate {
  work: WorkKind;
  /** The table whose size the work scales with (the statement's target). */
  table: string;
  lowMs: number;
  highMs: number;
  /** The lock held for the whole duration, and what it blocks. */
  lock: LockMode | null;
  blocks: BlockedOperation[];
  /** Queries that would wait per minute while the lock is held (null when traffic is unknown). */
  blockedQueriesPerMinute: number | null;
}

/** What the production context added to one finding. */
export interface FindingContext {
  tables: TableContext[];
  estimate?: WorkEstimate;
  /** Queries blocked over the estimate's upper bound, or its milliseconds without traffic: the order of the blocking list. */
  impact: number;
  /** Set when the size-thresholds policy changed the severity. */
  policy?: { from: Severity; to: Severity; reason: string };
}

/** The snapshot behind the context, for the report's header. */
export interface ReportContext {
  takenAt: string;
  tables: number;
  /** Findings that hit a table of the snapshot. */
  findingsWithContext: number;
  coefficientsMeasuredOn: string;
}

export interface ProductionContextInput {
  snapshot: StatsSnapshot;
  coefficients: Coefficients;
  thresholds: Config['size-thresholds'];
  /** The rule of a finding: its category (the policy applies to `locking` rules only) and the work it flags. */
  ruleOf: (ruleId: string) => Pick<RuleMeta<string>, 'category' | 'work'> | undefined;
}

/**
 * Adds the context to every finding on a table of the snapshot, applies the policy,
 * recomputes the verdict and orders the blocking findings by estimated impact (those
 * without an estimate keep their order, after the estimated ones).
 */
export function applyProductionContext(report: Report, input: ProductionContextInput): Report {
  const lookup = tableIndex(input.snapshot);
  let matched = 0;
  const findings = report.findings.map((finding) => {
    const tables = finding.tables.flatMap((written) => {
      const stats = lookup(written);
      return stats ? [tableContext(written, stats, input.thresholds)] : [];
    });
    if (tables.length === 0) return finding;
    matched++;
    const target = lookup(finding.tables.find((t) => lookup(t))!)!;
    const estimate = workEstimate(finding, tables, target, input);
    const context: FindingContext = { tables, ...(estimate ? { estimate } : {}), impact: impactOf(estimate) };
    const policy = policyChange(finding, tables, input);
    return policy ? { ...finding, severity: policy.to, context: { ...context, policy } } : { ...finding, context };
  });
  const { verdict, blocking } = computeVerdict(findings, report.failOn);
  // NOTE: Array.prototype.sort is stable (ES2019): findings of equal impact keep their order.
  const ordered = [...blocking].sort((a, b) => (b.context?.impact ?? -1) - (a.context?.impact ?? -1));
  return {
    ...report,
    findings,
    blocking: ordered,
    verdict,
    context: { takenAt: input.snapshot.takenAt, tables: input.snapshot.tables.length, findingsWithContext: matched, coefficientsMeasuredOn: input.coefficients.measuredOn },
  };
}

function tableContext(written: string, stats: TableStats, thresholds: Config['size-thresholds']): TableContext {
  const fromStatements = stats.statements !== undefined;
  const readsPerMinute = fromStatements ? stats.statements!.readCallsPerMinute : stats.readsPerMinute;
  const writesPerMinute = fromStatements ? stats.statements!.writeCallsPerMinute : stats.writesPerMinute;
  const hot = (readsPerMinute ?? 0) + (writesPerMinute ?? 0) >= thresholds['hot-queries-per-minute'];
  const rows = stats.rows ?? 0;
  const large = stats.totalBytes >= bytesOf(thresholds.large.bytes) || rows >= thresholds.large.rows;
  const tiny = stats.totalBytes < bytesOf(thresholds.tiny.bytes) && rows < thresholds.tiny.rows;
  return {
    table: written,
    totalBytes: stats.totalBytes,
    heapBytes: stats.heapBytes,
    rows: stats.rows,
    indexes: stats.indexes.length,
    readsPerMinute,
    writesPerMinute,
    traffic: fromStatements ? 'pg_stat_statements' : 'pg_stat_user_tables',
    size: large ? 'large' : tiny ? 'tiny' : 'medium',
    hot,
  };
}

function workEstimate(finding: Finding, tables: TableContext[], target: TableStats, input: ProductionContextInput): WorkEstimate | undefined {
  const work = findingWork(finding, input.ruleOf);
  if (!work) return undefined;
  const range = estimateRange(work, target, input.coefficients);
  const blocks = finding.lock?.blocks ?? [];
  // NOTE: the lock is taken on every table the statement names (a foreign key locks both).
  let blocked: number | null = 0;
  for (const table of tables) {
    for (const operation of blocks) {
      const perMinute = operation === 'reads' ? table.readsPerMinute : operation === 'writes' ? table.writesPerMinute : 0;
      blocked = perMinute === null || blocked === null ? null : blocked + perMinute;
    }
  }
  return { work, table: tables[0]!.table, lowMs: range.lowMs, highMs: range.highMs, lock: finding.lock?.mode ?? null, blocks, blockedQueriesPerMinute: blocked };
}

function impactOf(estimate: WorkEstimate | undefined): number {
  if (!estimate) return 0;
  return estimate.blockedQueriesPerMinute ? (estimate.blockedQueriesPerMinute * estimate.highMs) / 60_000 : estimate.highMs / 1000;
}

/**
 * The policy: a finding about locks and rewrites on tables that are all tiny and quiet
 * becomes a notice; a warning on a large or hot table becomes an error (with `raise-large`).
 * NOTE: only `locking` rules: a dropped column breaks running code on a table of any size.
 */
function policyChange(finding: Finding, tables: TableContext[], input: ProductionContextInput): FindingContext['policy'] {
  if (input.ruleOf(finding.ruleId)?.category !== 'locking' || (!finding.lock && !findingWork(finding, input.ruleOf))) return undefined;
  if (finding.severity !== 'notice' && tables.every((t) => t.size === 'tiny' && !t.hot)) {
    return { from: finding.severity, to: 'notice', reason: `every table it touches is below the size-thresholds "tiny" limits and not hot` };
  }
  const big = tables.find((t) => t.size === 'large' || t.hot);
  if (big && finding.severity === 'warning' && input.thresholds['raise-large']) {
    return { from: 'warning', to: 'error', reason: `${big.table} is ${big.size === 'large' ? 'large' : 'hot'} (size-thresholds)` };
  }
  return undefined;
}
