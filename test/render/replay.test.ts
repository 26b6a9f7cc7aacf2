import { describe, expect, it } from 'vitest';
import type { Finding, FindingReplay } from '../../src/core/finding.js';
import { lockInfo } from '../../src/core/locks.js';
import { findingReplayLine, replayCell, replaySummaryLine } from '../../src/render/replay.js';

describe('replay descriptions', () => {
  it('groups locks by mode, names rewrites, errors and unobserved statements, on one line', () => {
    expect(replayCell({ locks: [{ relation: 'users', mode: 'ACCESS EXCLUSIVE' }, { relation: 'users_pkey', mode: 'ACCESS EXCLUSIVE' }, { relation: 'orders', mode: 'SHARE ROW EXCLUSIVE' }], rewrites: ['users'], locksObserved: true })).toBe(
      'ACCESS EXCLUSIVE on users, users_pkey; SHARE ROW EXCLUSIVE on orders; rewrites users',
    );
    expect(replayCell({ locks: [], rewrites: [], locksObserved: false })).toBe('ran outside a transaction (locks not observed)');
    expect(replayCell({ locks: [], rewrites: [], locksObserved: false, error: { message: 'operator does not exist: a | b\n', line: 7 } })).toBe('failed at line 7: operator does not exist: a | b');
    expect(replayCell(undefined)).toBe('not replayed');
  });

  it('says when the rule claims another lock than Postgres took', () => {
    const replay: FindingReplay = { locks: [{ relation: 't', mode: 'ACCESS EXCLUSIVE' }], rewrites: [], locksObserved: true, observedLock: 'ACCESS EXCLUSIVE', lockMismatch: true };
    const finding = { lock: lockInfo('SHARE'), replay } as Finding;
    expect(findingReplayLine(finding)).toBe('ACCESS EXCLUSIVE on t (the rule claims SHARE; Postgres took ACCESS EXCLUSIVE)');
    expect(findingReplayLine({ ...finding, replay: undefined })).toBeUndefined();
  });

  it('summarises the run', () => {
    expect(
      replaySummaryLine({ database: 'pglite', serverVersion: 18, base: 'migrations', baseFiles: 12, baseFailedFiles: 1, baseStatements: 40, baseFailures: 2, baseMs: 340.4, statements: 5, failures: 1, tracedMs: 300, ms: 900 }),
    ).toBe('replay on pglite (Postgres 18): base: 12 earlier migrations in 340 ms (2 statements failed); 5 statements traced, 1 migration stopped at an error; 900 ms');
  });
});
