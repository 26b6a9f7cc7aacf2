/**
 * How a finding's claims are checked against what replay observed (src/core/observations.ts):
 * the strongest observed lock on the finding's own tables, and the policy that a finding never
 * claims more than Postgres did (docs/scope.md, "Replay is never contradicted"). The replay
 * suites (test/replay) check the same on a real server, end to end.
 */
import { describe, expect, it } from 'vitest';
import type { Finding, FindingReplay, ReplayObservation } from '../../src/core/finding.js';
import { lockInfo, type LockMode } from '../../src/core/locks.js';
import { findingReplay, reconcileClaims } from '../../src/core/observations.js';

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'ban-set-not-null',
    messageId: 'setNotNull',
    severity: 'error',
    file: 'migrations/002.sql',
    span: { start: { line: 1, column: 1 }, end: { line: 1, column: 40 }, startOffset: 0, endOffset: 39 },
    message: 'SET NOT NULL scans the table.',
    why: 'why',
    tables: ['users'],
    lock: lockInfo('ACCESS EXCLUSIVE'),
    rewrite: false,
    docsUrl: 'https://example.invalid/rule',
    details: {},
    ...overrides,
  };
}

function observation(locks: [relation: string, mode: LockMode][], overrides: Partial<ReplayObservation> = {}): ReplayObservation {
  return { locks: locks.map(([relation, mode]) => ({ relation, mode })), rewrites: [], locksObserved: true, ...overrides };
}

function replay(observedLock: LockMode | null, overrides: Partial<FindingReplay> = {}): FindingReplay {
  return { ...observation([]), observedLock, lockMismatch: false, ...overrides };
}

describe('findingReplay', () => {
  it('takes the strongest lock observed on the finding’s tables, whatever the quoting, case or public schema', () => {
    const result = findingReplay(
      finding({ tables: ['"Users"'] }),
      observation([
        ['public.users', 'SHARE UPDATE EXCLUSIVE'],
        ['orders', 'ACCESS EXCLUSIVE'],
        ['"users"', 'SHARE'],
        ['users', 'ROW EXCLUSIVE'],
      ]),
    );
    expect(result.observedLock).toBe('SHARE');
    expect(result.lockMismatch).toBe(true);
    expect(result.locks).toHaveLength(4);
  });

  it('takes every lock when the finding names no table', () => {
    const result = findingReplay(finding({ tables: [] }), observation([['orders', 'ACCESS EXCLUSIVE'], ['users', 'SHARE']]));
    expect(result).toMatchObject({ observedLock: 'ACCESS EXCLUSIVE', lockMismatch: false });
  });

  it('observes no lock when none was taken on the finding’s tables', () => {
    expect(findingReplay(finding(), observation([['orders', 'ACCESS EXCLUSIVE']]))).toMatchObject({ observedLock: null, lockMismatch: true });
  });

  it('reports no mismatch when the finding claims no lock, or replay could not see the locks', () => {
    expect(findingReplay(finding({ lock: null }), observation([['users', 'SHARE']])).lockMismatch).toBe(false);
    expect(findingReplay(finding(), observation([['users', 'SHARE']], { locksObserved: false })).lockMismatch).toBe(false);
    expect(findingReplay(finding(), observation([['users', 'ACCESS EXCLUSIVE']])).lockMismatch).toBe(false);
  });
});

describe('reconcileClaims', () => {
  it('keeps the finding when replay failed or did not see the locks', () => {
    const claim = finding();
    expect(reconcileClaims(claim, replay(null, { error: { message: 'boom', line: 1 } }), 17, 17)).toBe(claim);
    expect(reconcileClaims(claim, replay(null, { locksObserved: false }), 17, 17)).toBe(claim);
  });

  it('keeps the finding when replay confirms its lock and rewrite', () => {
    const claim = finding({ rewrite: true });
    expect(reconcileClaims(claim, replay('ACCESS EXCLUSIVE', { rewrites: ['public.Users'] }), 17, 17)).toBe(claim);
    expect(reconcileClaims(finding({ rewrite: true, tables: [] }), replay('ACCESS EXCLUSIVE', { rewrites: ['orders'] }), 17, 17).severity).toBe('error');
    expect(reconcileClaims(finding({ lock: null }), replay(null), 17, 17).severity).toBe('error');
  });

  it('lowers an error to a warning and states the weaker lock Postgres took', () => {
    const result = reconcileClaims(finding(), replay('SHARE'), 17, 17);
    expect(result).toMatchObject({
      severity: 'warning',
      message: 'SET NOT NULL scans the table. Replay on PostgreSQL 17 observed SHARE, not ACCESS EXCLUSIVE, so this is a warning, not an error.',
      lock: lockInfo('SHARE'),
      rewrite: false,
      replay: { observedLock: 'SHARE', lockMismatch: false },
    });
  });

  it('lowers a warning to a notice when no lock was taken on its tables', () => {
    const result = reconcileClaims(finding({ severity: 'warning', tables: ['users', 'orders'] }), replay(null, { lockMismatch: true }), 17, 18);
    expect(result).toMatchObject({
      severity: 'notice',
      message: 'SET NOT NULL scans the table. Replay on PostgreSQL 17 observed no lock on users, orders, not ACCESS EXCLUSIVE, so this is a notice, not a warning.',
      lock: null,
      replay: { lockMismatch: false },
    });
    expect(reconcileClaims(finding({ tables: [] }), replay(null), 17, 17).message).toContain('observed no lock on the table, not ACCESS EXCLUSIVE');
  });

  it('keeps a notice a notice, and says so by not saying it was lowered', () => {
    const result = reconcileClaims(finding({ severity: 'notice' }), replay('ROW EXCLUSIVE'), 17, 17);
    expect(result.severity).toBe('notice');
    expect(result.message).toBe('SET NOT NULL scans the table. Replay on PostgreSQL 17 observed ROW EXCLUSIVE, not ACCESS EXCLUSIVE.');
  });

  it('drops a rewrite claim when no table of the finding was rewritten, and says both', () => {
    const result = reconcileClaims(finding({ rewrite: true }), replay('SHARE', { rewrites: ['orders'] }), 17, 17);
    expect(result).toMatchObject({
      severity: 'warning',
      rewrite: false,
      message: 'SET NOT NULL scans the table. Replay on PostgreSQL 17 observed no table rewrite and SHARE, not ACCESS EXCLUSIVE, so this is a warning, not an error.',
    });
    const rewriteOnly = reconcileClaims(finding({ rewrite: true }), replay('ACCESS EXCLUSIVE'), 17, 17);
    expect(rewriteOnly).toMatchObject({ rewrite: false, lock: lockInfo('ACCESS EXCLUSIVE'), message: expect.stringContaining('observed no table rewrite, so') });
  });

  it('confirms a rewrite of the finding\'s table whatever the quoting, case or public schema on either side', () => {
    const quotedFinding = finding({ tables: ['"Users"'], rewrite: true });
    expect(reconcileClaims(quotedFinding, replay('ACCESS EXCLUSIVE', { rewrites: ['public.users'] }), 17, 17)).toBe(quotedFinding);
    const quotedRewrite = finding({ rewrite: true });
    expect(reconcileClaims(quotedRewrite, replay('ACCESS EXCLUSIVE', { rewrites: ['public."Users"'] }), 17, 17)).toBe(quotedRewrite);
  });

  it('keeps a confirmed rewrite when only the lock was weaker', () => {
    expect(reconcileClaims(finding({ rewrite: true }), replay('SHARE', { rewrites: ['users'] }), 17, 17)).toMatchObject({ rewrite: true, lock: lockInfo('SHARE') });
  });

  it('lowers nothing for a target older than the replay server, and says where to check', () => {
    const claim = finding({ rewrite: true });
    const result = reconcileClaims(claim, replay('SHARE'), 17, 12);
    expect(result).toEqual({
      ...claim,
      message:
        'SET NOT NULL scans the table. Replay on PostgreSQL 17 observed no table rewrite and SHARE, not ACCESS EXCLUSIVE; the target is PostgreSQL 12, where it may differ (replay on a 12 server with --database-url to check).',
    });
  });
});
