/**
 * The verdict policy on its own: which severities block under each `fail-on`, and that a
 * suppressed finding never blocks.
 */
import { describe, expect, it } from 'vitest';
import { type FailOn, computeVerdict, isBlocking } from '../../src/core/verdict.js';
import type { Finding, Severity } from '../../src/core/finding.js';

function finding(severity: Severity, suppressed = false): Finding {
  return {
    ruleId: 'ban-drop-column',
    severity,
    file: 'm.sql',
    message: `a ${severity}`,
    ...(suppressed ? { suppression: { kind: 'inline', reason: 'deliberate', line: 1 } } : {}),
  } as unknown as Finding;
}

describe('isBlocking', () => {
  it.each<[FailOn, Severity[]]>([
    ['error', ['error']],
    ['warning', ['error', 'warning']],
    ['never', []],
  ])('fail-on %s blocks exactly on %j', (failOn, blocking) => {
    const severities: Severity[] = ['error', 'warning', 'notice'];
    expect(severities.filter((severity) => isBlocking(finding(severity), failOn))).toEqual(blocking);
  });

  it('never blocks on a suppressed finding, whatever its severity', () => {
    expect(isBlocking(finding('error', true), 'error')).toBe(false);
    expect(isBlocking(finding('warning', true), 'warning')).toBe(false);
  });
});

describe('computeVerdict', () => {
  it('blocks with exactly the blocking findings, and passes with none', () => {
    const error = finding('error');
    const warning = finding('warning');
    const suppressed = finding('error', true);
    expect(computeVerdict([warning, error, suppressed], 'error')).toEqual({ verdict: 'blocked', blocking: [error] });
    expect(computeVerdict([warning, error, suppressed], 'warning')).toEqual({ verdict: 'blocked', blocking: [warning, error] });
    expect(computeVerdict([warning, suppressed], 'error')).toEqual({ verdict: 'pass', blocking: [] });
    expect(computeVerdict([], 'warning')).toEqual({ verdict: 'pass', blocking: [] });
  });
});
