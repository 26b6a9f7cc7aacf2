import type { Finding, Severity } from './finding.js';
import type { VerdictValue } from './report.js';

/** What makes the status fail: errors (default), warnings too, or nothing. */
export type FailOn = 'error' | 'warning' | 'never';

const BLOCKS: Record<FailOn, readonly Severity[]> = {
  error: ['error'],
  warning: ['error', 'warning'],
  never: [],
};

/** Whether a finding blocks under the policy (suppressed findings never do). */
export function isBlocking(finding: Finding, failOn: FailOn): boolean {
  return !finding.suppression && BLOCKS[failOn].includes(finding.severity);
}

export function computeVerdict(findings: readonly Finding[], failOn: FailOn): { verdict: VerdictValue; blocking: Finding[] } {
  const blocking = findings.filter((f) => isBlocking(f, failOn));
  return { verdict: blocking.length > 0 ? 'blocked' : 'pass', blocking };
}
