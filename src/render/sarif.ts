/**
 * SARIF 2.1.0 for code scanning (GitHub's upload-sarif) and other tools. The rule list
 * comes from the registry passed in, so every result's ruleIndex points into it.
 * https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { docsUrl, findingKey, type Finding, type Severity } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { Rule } from '../core/rule.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', notice: 'note' };

export interface SarifOptions {
  rules: readonly Rule[];
  toolVersion: string;
}

export function toSarif(report: Report, { rules, toolVersion }: SarifOptions): Log {
  const index = new Map(rules.map((rule, i) => [rule.id, i]));
  const descriptors: ReportingDescriptor[] = rules.map((rule) => ({
    id: rule.id,
    name: rule.id,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.why },
    helpUri: docsUrl(rule.id),
    help: { text: rule.fix ? `${rule.why}\n\nSafe alternative:\n${rule.fix}` : rule.why },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { category: rule.category, ...(rule.lock ? { lock: rule.lock } : {}) },
  }));
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: { driver: { name: 'migration-guard', version: toolVersion, informationUri: 'https://github.com/migration-guard/migration-guard', rules: descriptors } },
        results: report.findings.map((finding) => toResult(finding, index.get(finding.ruleId))),
      },
    ],
  };
}

function toResult(finding: Finding, ruleIndex: number | undefined): Result {
  const { start, end } = finding.span;
  return {
    ruleId: finding.ruleId,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: LEVEL[finding.severity],
    message: { text: finding.fix ? `${finding.message}\n\nSafe alternative:\n${finding.fix}` : finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: finding.file },
          region: { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column + 1 },
        },
      },
    ],
    partialFingerprints: { 'migrationGuard/v1': findingKey(finding) },
    ...(finding.suppression ? { suppressions: [{ kind: 'inSource' as const, justification: finding.suppression.reason }] } : {}),
  };
}

export function renderSarif(report: Report, options: SarifOptions): string {
  return `${JSON.stringify(toSarif(report, options), null, 2)}\n`;
}
