import type { LockInfo, LockMode } from './locks.js';
import type { FindingContext } from './production-context.js';
import type { Span } from './source.js';
import { compareStrings } from './compare.js';

/** `error` blocks the merge, `warning` informs (blocks with fail-on: warning), `notice` never blocks. */
export type Severity = 'error' | 'warning' | 'notice';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'notice'];

/** How a finding was taken out of the verdict. */
export interface Suppression {
  kind: 'inline' | 'file';
  reason: string;
  /** 1-based line of the ignore comment. */
  line: number;
}

/** One problem found in one place. Serialised into the JSON report. */
export interface Finding {
  ruleId: string;
  /** Which of the rule's messages (stable; tests assert on it, not on wording). */
  messageId: string;
  severity: Severity;
  /** Repository-relative path, `/`-separated. */
  file: string;
  span: Span;
  /** One line: what is wrong, with the user's names. */
  message: string;
  /** Why it is dangerous while the old code is still running. */
  why: string;
  /** The safe alternative, concretely (SQL with the user's names), when there is one. */
  fix?: string;
  /** Text of the statement the finding is about. */
  statement?: string;
  /** Tables (or other relations) the statement touches, as written. */
  tables: string[];
  /** The lock the statement takes on those tables, with what it blocks. */
  lock: LockInfo | null;
  /** Whether the statement rewrites the table (copying every row). */
  rewrite: boolean;
  docsUrl: string;
  /** The values the rule filled into its message (table, column, ...), for advice built on findings. */
  details: Readonly<Record<string, string | number>>;
  /** Set when an ignore comment with a reason covers the finding. */
  suppression?: Suppression;
  /** What Postgres did with the statement when replayed (absent without replay). */
  replay?: FindingReplay;
  /** The size and traffic of the tables it hits, from the stats snapshot (absent without one, or for tables it does not list). */
  context?: FindingContext;
}

/** What replay observed for one statement (src/replay). */
export interface ReplayObservation {
  /** The strongest lock per relation that existed before the statement, as pg_locks showed it. */
  locks: { relation: string; mode: LockMode }[];
  /** Tables and indexes whose data files were replaced (relfilenode changed). */
  rewrites: string[];
  /** False when the statement had to run outside a transaction (CONCURRENTLY, VACUUM): locks not seen. */
  locksObserved: boolean;
  /**
   * The statement ran inside the file's own BEGIN ... COMMIT: `locks` are all those the
   * block held after it, earlier statements' included (an upper bound of its own).
   */
  transactionBlock?: boolean;
  /** The Postgres error, with the line in the migration file. */
  error?: { message: string; line: number; code?: string };
  /** Measured on a server (`--database-url`): how long it ran, held its locks, and how much it grew the tables it locked. */
  timing?: StatementTiming;
}

/** A rehearsal's measurements for one statement (src/replay/trace.ts). */
export interface StatementTiming {
  /** Wall time of the statement itself. */
  durationMs: number;
  /** From the statement's start to its transaction's commit: how long its locks were held (0 when it ran outside a transaction). */
  lockHeldMs: number;
  /** Change of pg_total_relation_size summed over the tables it locked or rewrote, in bytes. */
  sizeChangeBytes: number;
}

/** Replay's observation for a finding's statement, checked against the rule's claimed lock. */
export interface FindingReplay extends ReplayObservation {
  /** The strongest observed lock on the finding's tables (on any relation when it names none). */
  observedLock: LockMode | null;
  /** The rule claims a lock and Postgres, observably, took a different one. */
  lockMismatch: boolean;
}

/** Where the generated rule pages live (also the SARIF helpUri). */
export const DOCS_BASE_URL = 'https://github.com/migration-guard/migration-guard/blob/main/docs/rules/';

export function docsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${ruleId}.md`;
}

/** A stable identity for a finding across runs: rule, file and the statement with white space folded. */
export function findingKey(finding: Pick<Finding, 'ruleId' | 'file' | 'statement' | 'message'>): string {
  const statement = (finding.statement ?? finding.message).replace(/\s+/g, ' ').trim().toLowerCase();
  return `${finding.ruleId}|${finding.file}|${statement}`;
}

export function compareFindings(a: Finding, b: Finding): number {
  return compareStrings(a.file, b.file) || a.span.startOffset - b.span.startOffset || compareStrings(a.ruleId, b.ruleId);
}
