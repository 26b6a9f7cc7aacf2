/**
 * Short one-line descriptions of what replay observed, shared by the text output and the PR
 * comment: `ACCESS EXCLUSIVE on users; rewrites users`. Plain text: relation names and
 * Postgres messages are the user's, so markdown callers escape (escapeInline).
 */
import type { Finding, ReplayObservation, StatementTiming } from '../core/finding.js';
import { formatDuration, formatSizeChange } from './context.js';
import type { ReplaySummary } from '../core/report.js';
import { plural } from './plural.js';

/** What Postgres did with one statement, in one line. */
export function replayCell(replay: ReplayObservation | undefined): string {
  if (!replay) return 'not replayed';
  if (replay.error) return safe(`failed at line ${replay.error.line}: ${replay.error.message}`);
  const parts: string[] = [];
  if (!replay.locksObserved) parts.push('ran outside a transaction (locks not observed)');
  else if (replay.locks.length === 0) parts.push('no relation locks');
  else {
    const byMode = new Map<string, string[]>();
    for (const lock of replay.locks) byMode.set(lock.mode, [...(byMode.get(lock.mode) ?? []), lock.relation]);
    parts.push([...byMode].map(([mode, relations]) => `${mode} on ${relations.join(', ')}`).join('; '));
  }
  if (replay.rewrites.length) parts.push(`rewrites ${replay.rewrites.join(', ')}`);
  if (replay.timing) parts.push(timingText(replay.timing));
  return safe(parts.join('; '));
}

/** The replay line of a finding, saying when the rule's claimed lock differs from Postgres's. */
export function findingReplayLine(finding: Finding): string | undefined {
  const replay = finding.replay;
  if (!replay) return undefined;
  const mismatch = replay.lockMismatch ? ` (the rule claims ${finding.lock?.mode ?? 'no lock'}; Postgres took ${replay.observedLock ?? 'none'})` : '';
  return `${replayCell(replay)}${mismatch}`;
}

/** One line about the whole replay. */
export function replaySummaryLine(summary: ReplaySummary): string {
  const base = `base: ${summary.base === 'schema-file' ? plural(summary.baseFiles, 'schema file') : plural(summary.baseFiles, 'earlier migration')} in ${Math.round(summary.baseMs)} ms${summary.baseFailures ? ` (${plural(summary.baseFailures, 'statement')} failed)` : ''}`;
  const traced = `${plural(summary.statements, 'statement')} traced${summary.failures ? `, ${plural(summary.failures, 'migration')} stopped at an error` : ''}`;
  return `replay on ${summary.database} (Postgres ${summary.serverVersion}): ${base}; ${traced}; ${Math.round(summary.ms)} ms`;
}

/** A rehearsed statement's measurements: `ran 1.2 s, locks held 1.2 s, size +8.0 MB`. */
function timingText(timing: StatementTiming): string {
  return `ran ${formatDuration(timing.durationMs)}, locks held ${formatDuration(timing.lockHeldMs)}, size ${formatSizeChange(timing.sizeChangeBytes)}`;
}

function safe(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
