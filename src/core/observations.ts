/**
 * What replaying the migrations on a real Postgres observed, as data attached to the change
 * set before the rules run. The replay stage (src/replay) produces it; rules read it
 * (down-not-reversible, replay-incomplete, replay-unclaimed-lock) and the engine uses it to
 * check each finding's claimed lock and rewrite against what Postgres did (reconcileClaims).
 * No I/O here: the stage is a function handed in by the caller.
 */
import type { Finding, FindingReplay, ReplayObservation } from './finding.js';
import { lockInfo, LOCK_MODES, type LockMode, strongerLock } from './locks.js';
import type { Statement } from './parse.js';
import type { ReplaySummary } from './report.js';
import type { ChangeSet } from './rule.js';
import { relationKey } from './ast.js';

/** Something replay could not do, for the replay-incomplete rule (its message ids). */
export interface ReplayNotice {
  messageId: 'statementFailed' | 'baseFailed' | 'moreBaseFailed' | 'unavailable';
  data: Record<string, string | number>;
  /** The file the notice is about (a changed file, or an earlier migration for baseFailed). */
  file: string;
  statement?: Statement;
}

/** An up migration rolled back with its down: what went wrong in the round trip (up, down, compare, up again). */
export interface RoundTrip {
  up: string;
  down: string;
  /** The down's first statement (the anchor of a difference), absent when the down has none. */
  downStart?: Statement;
  /** The down statement that failed, with Postgres' error and its line. */
  downFailed?: { statement: Statement; error: string; line: number };
  /** How the schema after the down differs from the one before the up (empty when it is the same). */
  differences: string[];
  /** The up statement that failed when run again after the down. */
  upNotRerunnable?: { statement: Statement; error: string; line: number };
}

/** Everything one replay observed. */
export interface ReplayObservations {
  /** The replay's numbers; absent when it did not get to run (see the notices). */
  summary?: ReplaySummary;
  /** What Postgres did with each traced statement (the change set's own Statement objects). */
  statements: ReadonlyMap<Statement, ReplayObservation>;
  notices: readonly ReplayNotice[];
  roundTrips: readonly RoundTrip[];
}

/**
 * The replay stage as the engine sees it: given the change set (its `statementsOf` gives
 * the statements of files the engine did not need to parse, e.g. the applied migrations
 * that build the base schema, parsed the same way and only once), returns what replay
 * observed, or undefined when it did not run (replay off, nothing new to replay).
 */
export type ReplayStage = (changeSet: ChangeSet) => Promise<ReplayObservations | undefined>;

/** Compares the finding's claimed lock with the strongest observed one on the finding's tables. */
export function findingReplay(finding: Finding, observation: ReplayObservation): FindingReplay {
  const tables = new Set(finding.tables.map((t) => relationKey(t.replaceAll('"', ''))));
  let observed: LockMode | null = null;
  for (const lock of observation.locks) {
    if (tables.size > 0 && !tables.has(relationKey(lock.relation.replaceAll('"', '')))) continue;
    observed = observed ? strongerLock(observed, lock.mode) : lock.mode;
  }
  const claimed = finding.lock?.mode ?? null;
  return { ...observation, observedLock: observed, lockMismatch: claimed !== null && observation.locksObserved && claimed !== observed };
}

/** Whether `a` is a weaker lock than `b` (fewer conflicts: earlier in LOCK_MODES). */
function weaker(a: LockMode | null, b: LockMode): boolean {
  return a === null || LOCK_MODES.indexOf(a) < LOCK_MODES.indexOf(b);
}

/**
 * The finding with its claims checked against what replay observed. Policy (docs/scope.md,
 * "Replay is never contradicted"): a finding never claims more than Postgres did. It applies
 * when replay ran the statement without error inside a transaction (so its locks and
 * rewrites were seen) and
 *  - the finding claims a rewrite but no table of the finding was rewritten, or
 *  - the finding claims a lock but the strongest lock observed on its tables is weaker.
 * Then the message says what replay saw. When the target major version is at least the
 * replay server's, the claim is also replaced by the observation and the severity goes
 * down one level (error to warning, warning to notice): the refuted part of the claim was
 * what made it severe; what remains (the lock queue, the change itself) is still worth a
 * look. When the target is older than the server, nothing is lowered: ALTER TABLE's locks
 * and rewrites have only been reduced from one major version to the next (e.g. PG 11's
 * ADD COLUMN with a constant default, PG 12's timestamp to timestamptz under UTC), so a
 * newer server's observation is no evidence for an older target; the message says so.
 */
export function reconcileClaims(finding: Finding, replay: FindingReplay, serverVersion: number, target: number): Finding {
  if (replay.error || !replay.locksObserved) return finding;
  const tables = new Set(finding.tables.map((t) => relationKey(t.replaceAll('"', ''))));
  const rewritten = replay.rewrites.some((r) => tables.size === 0 || tables.has(relationKey(r.replaceAll('"', ''))));
  const noRewrite = finding.rewrite && !rewritten;
  const lowerLock = finding.lock !== null && weaker(replay.observedLock, finding.lock.mode);
  if (!noRewrite && !lowerLock) return finding;
  const seen = [
    noRewrite ? 'no table rewrite' : '',
    lowerLock ? (replay.observedLock ? `${replay.observedLock}, not ${finding.lock!.mode}` : `no lock on ${finding.tables.join(', ') || 'the table'}, not ${finding.lock!.mode}`) : '',
  ].filter(Boolean).join(' and ');
  if (target < serverVersion) {
    return { ...finding, message: `${finding.message} Replay on PostgreSQL ${serverVersion} observed ${seen}; the target is PostgreSQL ${target}, where it may differ (replay on a ${target} server with --database-url to check).` };
  }
  const severity = finding.severity === 'error' ? 'warning' : 'notice';
  const lowered = severity === finding.severity ? '' : `, so this is ${severity === 'warning' ? 'a warning, not an error' : 'a notice, not a warning'}`;
  return {
    ...finding,
    severity,
    message: `${finding.message} Replay on PostgreSQL ${serverVersion} observed ${seen}${lowered}.`,
    rewrite: noRewrite ? false : finding.rewrite,
    lock: lowerLock ? (replay.observedLock ? lockInfo(replay.observedLock) : null) : finding.lock,
    replay: { ...replay, lockMismatch: false },
  };
}
