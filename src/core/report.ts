import type { Finding, ReplayObservation, Severity } from './finding.js';
import type { ReportContext } from './production-context.js';
import type { LockInfo } from './locks.js';
import type { ConventionId, FileChange, FileRole } from './migration.js';
import type { SectionRole } from './parse.js';

/** A statement as reported: where it is and what it locks. */
export interface StatementReport {
  index: number;
  section: SectionRole;
  kind: string;
  line: number;
  endLine: number;
  text: string;
  tables: string[];
  lock: LockInfo | null;
  rewrite: boolean;
  /** What Postgres did when the statement was replayed (absent without replay). */
  replay?: ReplayObservation;
}

/** One migration file in the report. */
export interface FileReport {
  path: string;
  convention: ConventionId;
  role: FileRole;
  change: FileChange;
  version: string;
  migrationId: string;
  partner: string | null;
  implicitTransaction: boolean;
  statements: StatementReport[];
}

export type VerdictValue = 'pass' | 'blocked';

/** The result of one analysis: what every output format renders. */
export interface Report {
  verdict: VerdictValue;
  postgresVersion: number;
  failOn: 'error' | 'warning' | 'never';
  files: FileReport[];
  findings: Finding[];
  /** Findings that decide the verdict (unsuppressed, at or above fail-on). */
  blocking: Finding[];
  /** How the replay went, when it ran. */
  replay?: ReplaySummary;
  /** The stats snapshot the findings were judged against (absent without a stats file). */
  context?: ReportContext;
}

/** The replay stage's numbers (src/replay). */
export interface ReplaySummary {
  database: 'pglite' | 'postgres';
  serverVersion: number;
  /** Where the base schema came from: the earlier migrations or the configured schema file. */
  base: 'migrations' | 'schema-file';
  baseFiles: number;
  /** Base files with at least one failed statement (the first few are also notices). */
  baseFailedFiles: number;
  /** Base statements run, and how many of them failed. */
  baseStatements: number;
  baseFailures: number;
  baseMs: number;
  /** Statements of the new migrations traced, and how many of those failed. */
  statements: number;
  failures: number;
  /** Time spent on the new migrations (traced up, down, compare, up again). */
  tracedMs: number;
  /** The whole replay, including resetting the database and parsing. */
  ms: number;
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const finding of findings) if (!finding.suppression) counts[finding.severity]++;
  return counts;
}
