/**
 * Terminal output: `file:line:col severity rule message`, the source line underlined,
 * the lock, why, the safe alternative and the docs link. Colour only when asked.
 * Suppressed findings are not printed (the summary line counts them; JSON and SARIF keep them).
 */
import type { Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';
import { countBySeverity } from '../core/report.js';
import { findingReplayLine, replaySummaryLine } from './replay.js';
import { contextSummaryLine, findingContextLines, formatDuration, formatSizeChange, rehearsalRows } from './context.js';
import type { StrategyAdvice } from '../core/strategy.js';
import { plural } from './plural.js';

export interface TextOptions {
  color: boolean;
  /** Source text by path, to show the offending lines. */
  sources: ReadonlyMap<string, string>;
  /** Deployment strategy and phase plans, printed after the findings. */
  advice?: StrategyAdvice;
}

const CODES = { red: 31, yellow: 33, blue: 34, green: 32, dim: 2, bold: 1, cyan: 36 } as const;

export function renderText(report: Report, options: TextOptions): string {
  const paint = (style: keyof typeof CODES, text: string) => (options.color ? `\x1b[${CODES[style]}m${text}\x1b[0m` : text);
  const out: string[] = [];
  const lineCache = new Map<string, string[]>();
  const linesOf = (path: string) => {
    let lines = lineCache.get(path);
    if (!lines) lineCache.set(path, (lines = (options.sources.get(path) ?? '').split('\n').map((l) => l.replace(/\r$/, ''))));
    return lines;
  };
  for (const finding of report.findings) {
    if (!finding.suppression) out.push(formatFinding(finding, linesOf(finding.file), paint), '');
  }
  if (options.advice && options.advice.strategy !== 'backward-compatible') out.push(formatAdvice(options.advice, paint), '');
  if (report.replay) out.push(paint('dim', replaySummaryLine(report.replay)));
  for (const row of rehearsalRows(report.files)) out.push(paint('dim', `rehearsal: ${row.path}: ${plural(row.statements, 'statement')} in ${formatDuration(row.durationMs)}, longest lock ${formatDuration(row.longestLockMs)}, size ${formatSizeChange(row.sizeChangeBytes)}${row.failed ? ', stopped at an error' : ''}`));
  if (report.context) out.push(paint('dim', contextSummaryLine(report.context)));
  out.push(summaryLine(report, paint));
  return `${out.join('\n')}\n`;
}

/** `3 files checked, 1 error, 2 warnings, 0 notices, 1 suppressed: BLOCKED (1 blocking)`. */
export function summaryLine(report: Report, paint: Paint = (_style, text) => text): string {
  const counts = countBySeverity(report.findings);
  const suppressed = report.findings.filter((f) => f.suppression).length;
  const parts = [
    `${plural(report.files.length, 'file')} checked`,
    plural(counts.error, 'error'),
    plural(counts.warning, 'warning'),
    plural(counts.notice, 'notice'),
  ];
  if (suppressed) parts.push(`${suppressed} suppressed`);
  const verdict = report.verdict === 'pass' ? paint('green', 'PASS') : paint('red', `BLOCKED (${report.blocking.length} blocking)`);
  return `${parts.join(', ')}: ${verdict}`;
}

/** Wraps text in a terminal style (or returns it as is, without colour). */
export type Paint = (style: keyof typeof CODES, text: string) => string;

function formatFinding(finding: Finding, lines: string[], paint: Paint): string {
  const { start, end } = finding.span;
  const severityColor = finding.severity === 'error' ? 'red' : finding.severity === 'warning' ? 'yellow' : 'blue';
  const tag = paint(severityColor, finding.severity);
  const head = `${paint('bold', `${finding.file}:${start.line}:${start.column}`)} ${tag} ${paint('cyan', finding.ruleId)} ${finding.message}`;
  const out = [head];
  const gutter = String(end.line).length;
  const shown = Math.min(end.line, start.line + 4);
  for (let line = start.line; line <= shown; line++) {
    const text = lines[line - 1] ?? '';
    const from = line === start.line ? start.column : firstNonSpace(text);
    const to = line === end.line ? end.column : text.length;
    const { part, before } = visiblePart(text, from);
    out.push(`  ${paint('dim', `${String(line).padStart(gutter)} |`)} ${part}`);
    const [shownFrom, shownTo] = [Math.max(1, from - before), Math.min(part.length, to - before)];
    if (shownTo >= shownFrom) out.push(`  ${paint('dim', `${' '.repeat(gutter)} |`)} ${' '.repeat(shownFrom - 1)}${paint(severityColor, '^'.repeat(shownTo - shownFrom + 1))}`);
  }
  if (shown < end.line) out.push(`  ${paint('dim', `${' '.repeat(gutter)} | ... (${end.line - shown} more lines)`)}`);
  if (finding.lock) {
    const on = finding.tables.length ? ` on ${finding.tables.join(', ')}` : '';
    const blocks = finding.lock.blocks.length ? `blocks ${finding.lock.blocks.join(', ')}` : 'blocks nothing but other DDL';
    out.push(`  ${paint('bold', 'lock')}: ${finding.lock.mode}${on} (${blocks})${finding.rewrite ? '; rewrites the table' : ''}`);
  }
  const replayed = findingReplayLine(finding);
  if (replayed) out.push(`  ${paint('bold', 'replay')}: ${finding.replay?.lockMismatch ? paint('red', replayed) : replayed}`);
  for (const line of findingContextLines(finding)) out.push(`  ${paint('bold', 'context')}: ${line}`);
  out.push(`  ${paint('bold', 'why')}: ${finding.why}`);
  if (finding.fix) out.push(`  ${paint('bold', 'fix')}:`, ...finding.fix.split('\n').map((l) => `    ${l}`));
  out.push(`  ${paint('bold', 'docs')}: ${finding.docsUrl}`);
  return out.join('\n');
}

/** Source lines longer than this are shown as a window from just before the finding's column. */
const MAX_LINE_CHARS = 200;

/**
 * The part of a source line to show, and how many columns before it are not shown (an
 * ellipsis marks each cut end). NOTE: a minified or generated line can be megabytes long;
 * printing it, and a caret under all of it, for each finding once ran out of memory.
 */
function visiblePart(text: string, from: number): { part: string; before: number } {
  if (text.length <= MAX_LINE_CHARS) return { part: text, before: 0 };
  const start = Math.max(0, Math.min(from - 1 - 20, text.length - MAX_LINE_CHARS));
  const head = start > 0 ? '…' : '';
  const tail = start + MAX_LINE_CHARS < text.length ? '…' : '';
  return { part: `${head}${text.slice(start, start + MAX_LINE_CHARS)}${tail}`, before: start - head.length };
}

function firstNonSpace(text: string): number {
  const i = text.search(/\S/);
  return i === -1 ? 1 : i + 1;
}

function formatAdvice(advice: StrategyAdvice, paint: Paint): string {
  const out = [`${paint('bold', 'Strategy')}: ${advice.strategy}. ${advice.reason}`];
  for (const plan of advice.plans) {
    out.push('', `  ${paint('bold', `Phase plan: ${plan.subject}`)}`);
    plan.steps.forEach((step, i) => {
      out.push(`  ${i + 1}. ${step.title}`);
      if (step.note) out.push(`     ${step.note}`);
      for (const file of step.files) out.push(`     ${paint('cyan', file.path)}`, ...file.sql.split('\n').map((l) => `       ${l}`));
    });
  }
  return out.join('\n');
}
