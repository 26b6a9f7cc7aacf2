/**
 * The production context in words, shared by the text output and the PR comment: a
 * finding's tables (size, rows, traffic), its estimate and the policy's change; the
 * snapshot behind them; and the rehearsal's per-migration totals (like GitLab's migration
 * testing report). Plain text: table names are the user's, so markdown callers escape.
 */
import type { Finding } from '../core/finding.js';
import type { FindingContext, ReportContext, TableContext } from '../core/production-context.js';
import type { FileReport } from '../core/report.js';
import { codeSpan } from './escape.js';
import { plural } from './plural.js';

/** Bytes as Postgres's pg_size_pretty would print them (powers of 1024). */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytes < 0 ? '-' : ''}${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Milliseconds as `850 ms`, `12 s`, `4.2 min` or `1.5 h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(ms < 600_000 ? 1 : 0)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function tableLine(table: TableContext): string {
  const rows = table.rows === null ? 'rows unknown (never analysed)' : plural(table.rows, 'row');
  const traffic =
    table.readsPerMinute === null && table.writesPerMinute === null
      ? 'traffic unknown'
      : `${count(table.readsPerMinute ?? 0)} reads/min, ${count(table.writesPerMinute ?? 0)} writes/min (${table.traffic})`;
  const tags = [table.size === 'medium' ? '' : table.size, table.hot ? 'hot' : ''].filter(Boolean);
  return `${table.table}: ${formatBytes(table.totalBytes)} (${formatBytes(table.heapBytes)} heap), ${rows}, ${table.indexes} index${table.indexes === 1 ? '' : 'es'}, ${traffic}${tags.length ? ` [${tags.join(', ')}]` : ''}`;
}

/** The estimate in one line: `index-build of events: 2.1 s to 8.4 s holding SHARE (blocks writes), ~1,200 queries blocked/min`. */
export function estimateLine(context: FindingContext): string | undefined {
  const estimate = context.estimate;
  if (!estimate) return undefined;
  const lock = estimate.lock ? ` holding ${estimate.lock}${estimate.blocks.length ? ` (blocks ${estimate.blocks.join(', ')})` : ''}` : '';
  const blocked = estimate.blockedQueriesPerMinute === null ? ', queries blocked unknown (no traffic in the snapshot)' : estimate.blocks.some((b) => b !== 'ddl') ? `, ~${count(estimate.blockedQueriesPerMinute)} queries blocked/min` : '';
  return `estimated ${estimate.work} of ${estimate.table}: ${formatDuration(estimate.lowMs)} to ${formatDuration(estimate.highMs)}${lock}${blocked}`;
}

/** The lines a finding's context adds (tables, estimate, policy); empty without context. */
export function findingContextLines(finding: Finding): string[] {
  const context = finding.context;
  if (!context) return [];
  const lines = context.tables.map(tableLine);
  const estimate = estimateLine(context);
  if (estimate) lines.push(estimate);
  if (context.policy) lines.push(`severity ${context.policy.from} → ${context.policy.to}: ${context.policy.reason}`);
  return lines.map((line) => line.replace(/\s+/g, ' ').trim());
}

/** One line about the snapshot the findings were judged against. */
export function contextSummaryLine(context: ReportContext): string {
  return `production context: stats snapshot of ${context.takenAt} (${plural(context.tables, 'table')}), ${plural(context.findingsWithContext, 'finding')} on its tables; estimates from throughput measured on ${context.coefficientsMeasuredOn}`;
}

/** One migration's rehearsal totals (statements measured on a server). */
export interface RehearsalRow {
  path: string;
  statements: number;
  durationMs: number;
  longestLockMs: number;
  sizeChangeBytes: number;
  failed: boolean;
}

/** Per migration file, the totals of its timed statements; empty when nothing was timed. */
export function rehearsalRows(files: readonly FileReport[]): RehearsalRow[] {
  const rows: RehearsalRow[] = [];
  for (const file of files) {
    const timed = file.statements.filter((s) => s.replay?.timing || s.replay?.error);
    if (!timed.some((s) => s.replay?.timing)) continue;
    rows.push({
      path: file.path,
      statements: timed.length,
      durationMs: timed.reduce((ms, s) => ms + (s.replay?.timing?.durationMs ?? 0), 0),
      longestLockMs: Math.max(0, ...timed.map((s) => s.replay?.timing?.lockHeldMs ?? 0)),
      sizeChangeBytes: timed.reduce((bytes, s) => bytes + (s.replay?.timing?.sizeChangeBytes ?? 0), 0),
      failed: timed.some((s) => s.replay?.error),
    });
  }
  return rows;
}

/** A size change with its sign: `+8.0 MB`, `-120 kB`, `0 bytes`. */
export function formatSizeChange(bytes: number): string {
  return bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes);
}

/** The comment's rehearsal section: one row per migration, like GitLab's migration testing report. */
export function rehearsalSection(files: readonly FileReport[]): string | undefined {
  const rows = rehearsalRows(files);
  if (rows.length === 0) return undefined;
  return [
    '### Rehearsal',
    '',
    'Measured on the `--database-url` server: each statement in its own transaction, so a lock is held from its start to its commit.',
    '',
    '| migration | statements | duration | longest lock | size change | result |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${codeSpan(r.path, 120, true)} | ${r.statements} | ${formatDuration(r.durationMs)} | ${formatDuration(r.longestLockMs)} | ${formatSizeChange(r.sizeChangeBytes)} | ${r.failed ? '❌ error' : '✅'} |`),
    '',
  ].join('\n');
}
