/**
 * Lock modes (src/core/locks.ts): the conflict table of the PostgreSQL documentation
 * ("Explicit Locking", Table 13.2) and pg_locks' spelling of the modes.
 */
import { describe, expect, it } from 'vitest';
import { blockedOperations, conflicts, LOCK_MODES, lockModeFromPgLocks, strongerLock } from '../../src/core/locks.js';

describe('lockModeFromPgLocks', () => {
  it('reads every mode as pg_locks spells it', () => {
    const spelled = ['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];
    expect(spelled.map(lockModeFromPgLocks)).toEqual([...LOCK_MODES]);
  });

  it('knows no other lock (advisory and SIReadLock are not table modes)', () => {
    for (const mode of ['SIReadLock', 'AccessExclusive Lock', 'Access', 'ShareLockX', 'sharelock', '']) expect(lockModeFromPgLocks(mode), mode).toBeUndefined();
  });
});

describe('the conflict table', () => {
  it('is symmetric, and ACCESS EXCLUSIVE conflicts with everything', () => {
    for (const a of LOCK_MODES) for (const b of LOCK_MODES) expect(conflicts(a, b), `${a} / ${b}`).toBe(conflicts(b, a));
    for (const mode of LOCK_MODES) expect(conflicts('ACCESS EXCLUSIVE', mode)).toBe(true);
    expect(conflicts('ACCESS SHARE', 'EXCLUSIVE')).toBe(false);
    expect(conflicts('SHARE', 'SHARE')).toBe(false);
    expect(conflicts('SHARE UPDATE EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE')).toBe(true);
  });

  it('says what each mode blocks', () => {
    expect(blockedOperations('ACCESS EXCLUSIVE')).toEqual(['reads', 'writes', 'ddl']);
    expect(blockedOperations('SHARE')).toEqual(['writes', 'ddl']);
    expect(blockedOperations('ACCESS SHARE')).toEqual([]);
    expect(strongerLock('SHARE', 'ROW EXCLUSIVE')).toBe('SHARE');
    expect(strongerLock('ROW EXCLUSIVE', 'SHARE')).toBe('SHARE');
  });
});
