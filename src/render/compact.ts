/**
 * One line per finding, as ESLint's and squawk's compact formatters print them:
 * `path:line:col: severity rule message`, then the summary line. Suppressed findings are
 * left out (the summary counts them). For editors, grep and CI logs.
 */
import type { Report } from '../core/report.js';
import { summaryLine } from './text.js';

export function renderCompact(report: Report): string {
  const lines = report.findings
    .filter((finding) => !finding.suppression)
    .map((f) => `${f.file}:${f.span.start.line}:${f.span.start.column}: ${f.severity} ${f.ruleId} ${f.message.replace(/\s*\n\s*/g, ' ')}`);
  return `${[...lines, summaryLine(report)].join('\n')}\n`;
}
