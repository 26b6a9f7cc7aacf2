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

  it('names a schema-file base, says singular counts, and leaves out failures that did not happen', () => {
    const summary = { database: 'postgres' as const, serverVersion: 170004, base: 'schema-file' as const, baseFiles: 1, baseFailedFiles: 0, baseStatements: 3, baseFailures: 0, baseMs: 12, statements: 1, failures: 0, tracedMs: 3, ms: 20.6 };
    expect(replaySummaryLine(summary)).toBe('replay on postgres (Postgres 170004): base: 1 schema file in 12 ms; 1 statement traced; 21 ms');
    expect(replaySummaryLine({ ...summary, base: 'migrations', failures: 2, statements: 4 })).toBe('replay on postgres (Postgres 170004): base: 1 earlier migration in 12 ms; 4 statements traced, 2 migrations stopped at an error; 21 ms');
  });

  it("adds a rehearsed statement's timing, and folds a multi-line error into one line", () => {
    expect(replayCell({ locks: [], rewrites: ['users', 'users_pkey'], locksObserved: true })).toBe('no relation locks; rewrites users, users_pkey');
    expect(replayCell({ locks: [], rewrites: [], locksObserved: true, timing: { durationMs: 1200, lockHeldMs: 1500, sizeChangeBytes: 8 * 1024 ** 2 } })).toBe('no relation locks; ran 1.2 s, locks held 1.5 s, size +8.0 MB');
    expect(replayCell({ locks: [], rewrites: [], locksObserved: true, error: { message: 'relation "t" does not exist\n  HINT:  create it', line: 3 } })).toBe('failed at line 3: relation "t" does not exist HINT: create it');
    const noClaim = { locks: [], rewrites: [], locksObserved: true, observedLock: null, lockMismatch: true };
    expect(findingReplayLine({ lock: null, replay: noClaim } as unknown as Finding)).toBe('no relation locks (the rule claims no lock; Postgres took none)');
  });
});
