/**
 * GitHub workflow-command annotations (`::error file=...,line=...::message`), one per
 * finding. Values are escaped as the runner expects (toolkit's command.ts).
 * NOTE: the runner shows at most 10 annotations of each severity per step; the action
 * sends the rest through a check run. This format is for `--format github` in any CI.
 */
import type { Finding } from '../core/finding.js';
import type { Report } from '../core/report.js';

const COMMAND: Record<Finding['severity'], string> = { error: 'error', warning: 'warning', notice: 'notice' };

export function renderGithubAnnotations(report: Report): string {
  return report.findings
    .filter((f) => !f.suppression)
    .map((f) => {
      const properties = [
        `file=${escapeProperty(f.file)}`,
        `line=${f.span.start.line}`,
        `endLine=${f.span.end.line}`,
        ...(f.span.start.line === f.span.end.line ? [`col=${f.span.start.column}`, `endColumn=${f.span.end.column}`] : []),
        `title=${escapeProperty(`${f.ruleId}${f.lock ? ` (${f.lock.mode})` : ''}`)}`,
      ].join(',');
      const body = [f.message, f.fix ? `Safe alternative:\n${f.fix}` : '', `Docs: ${f.docsUrl}`].filter(Boolean).join('\n\n');
      return `::${COMMAND[f.severity]} ${properties}::${escapeData(body)}\n`;
    })
    .join('');
}

export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
