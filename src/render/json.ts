/**
 * The JSON report: a stable contract (version 1) that other tools and our own tests read.
 * Field names are part of the contract; add fields, never rename or remove them.
 */
import type { Finding, FindingReplay } from '../core/finding.js';
import type { FindingContext } from '../core/production-context.js';
import type { LockInfo } from '../core/locks.js';
import type { Report, StatementReport } from '../core/report.js';
import { countBySeverity } from '../core/report.js';

export const JSON_REPORT_VERSION = 1;

/** One finding as serialised. */
export interface JsonFinding {
  rule: string;
  messageId: string;
  severity: Finding['severity'];
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  why: string;
  fix: string | null;
  statement: string | null;
  tables: string[];
  lock: LockInfo | null;
  rewrite: boolean;
  suppressed: boolean;
  suppression: Finding['suppression'] | null;
  blocking: boolean;
  docsUrl: string;
  /** What Postgres did with the statement when replayed; absent without replay. */
  replay?: FindingReplay;
  /** Size, traffic and estimate of the tables it hits, from the stats snapshot; absent without one. */
  context?: FindingContext;
}

/** The whole report as serialised. */
export interface JsonReport {
  version: typeof JSON_REPORT_VERSION;
  verdict: Report['verdict'];
  postgresVersion: number;
  failOn: Report['failOn'];
  summary: { files: number; statements: number; errors: number; warnings: number; notices: number; suppressed: number; blocking: number };
  files: Array<{
    path: string;
    convention: string;
    role: string;
    change: string;
    version: string;
    partner: string | null;
    implicitTransaction: boolean;
    statements: number;
    statementDetails: StatementReport[];
  }>;
  findings: JsonFinding[];
  /** The replay stage's numbers, when it ran. */
  replay?: Report['replay'];
  /** The stats snapshot the findings were judged against, when one was given. */
  context?: Report['context'];
}

export function toJsonReport(report: Report): JsonReport {
  const counts = countBySeverity(report.findings);
  const blocking = new Set(report.blocking);
  return {
    version: JSON_REPORT_VERSION,
    verdict: report.verdict,
    postgresVersion: report.postgresVersion,
    failOn: report.failOn,
    summary: {
      files: report.files.length,
      statements: report.files.reduce((n, f) => n + f.statements.length, 0),
      errors: counts.error,
      warnings: counts.warning,
      notices: counts.notice,
      suppressed: report.findings.filter((f) => f.suppression).length,
      blocking: report.blocking.length,
    },
    files: report.files.map((f) => ({
      path: f.path,
      convention: f.convention,
      role: f.role,
      change: f.change,
      version: f.version,
      partner: f.partner,
      implicitTransaction: f.implicitTransaction,
      statements: f.statements.length,
      statementDetails: f.statements,
    })),
    findings: report.findings.map((f) => ({
      rule: f.ruleId,
      messageId: f.messageId,
      severity: f.severity,
      file: f.file,
      line: f.span.start.line,
      column: f.span.start.column,
      endLine: f.span.end.line,
      endColumn: f.span.end.column,
      message: f.message,
      why: f.why,
      fix: f.fix ?? null,
      statement: f.statement ?? null,
      tables: f.tables,
      lock: f.lock,
      rewrite: f.rewrite,
      suppressed: !!f.suppression,
      suppression: f.suppression ?? null,
      blocking: blocking.has(f),
      docsUrl: f.docsUrl,
      ...(f.replay ? { replay: f.replay } : {}),
      ...(f.context ? { context: f.context } : {}),
    })),
    ...(report.context ? { context: report.context } : {}),
    ...(report.replay ? { replay: report.replay } : {}),
  };
}

/**
 * The report as one line of JSON (pipe it through `jq` to read it). NOTE: not indented:
 * indenting makes a large report much longer to write and to read.
 */
export function renderJson(report: Report): string {
  return renderJsonPieces(report).join('');
}

/**
 * renderJson's text in pieces that concatenate to it: the head, each file, each finding.
 * NOTE: a whole-report string with one non-Latin-1 character in it is stored two bytes per
 * character, which makes encoding it as UTF-8 several times slower than encoding its pieces,
 * most of which stay one byte per character.
 */
export function renderJsonPieces(report: Report): string[] {
  const { files, findings, replay, ...head } = toJsonReport(report);
  // NOTE: the keys in toJsonReport's order: the head's, then files, findings and replay.
  const pieces = [`${JSON.stringify(head).slice(0, -1)},"files":[`];
  files.forEach((file, i) => pieces.push(`${i > 0 ? ',' : ''}${JSON.stringify(file)}`));
  pieces.push('],"findings":[');
  findings.forEach((finding, i) => pieces.push(`${i > 0 ? ',' : ''}${JSON.stringify(finding)}`));
  pieces.push(`]${replay ? `,"replay":${JSON.stringify(replay)}` : ''}}\n`);
  return pieces;
}
