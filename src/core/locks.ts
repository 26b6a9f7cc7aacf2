/**
 * PostgreSQL table-level lock modes and what each one stops other sessions from doing.
 * Source: https://www.postgresql.org/docs/current/explicit-locking.html (Table 13.2).
 */

export const LOCK_MODES = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
] as const;

export type LockMode = (typeof LOCK_MODES)[number];

/** What other sessions cannot do while the lock is held. */
export type BlockedOperation = 'reads' | 'writes' | 'ddl';

/** A lock a statement takes on a relation, with what it blocks. */
export interface LockInfo {
  mode: LockMode;
  blocks: BlockedOperation[];
}

/** Which modes conflict with which, straight from the documentation's conflict table. */
const CONFLICTS: Record<LockMode, LockMode[]> = {
  'ACCESS SHARE': ['ACCESS EXCLUSIVE'],
  'ROW SHARE': ['EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'ROW EXCLUSIVE': ['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE UPDATE EXCLUSIVE': ['SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  SHARE: ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'SHARE ROW EXCLUSIVE': ['ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  EXCLUSIVE: ['ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'],
  'ACCESS EXCLUSIVE': [...LOCK_MODES],
};

export function conflicts(held: LockMode, requested: LockMode): boolean {
  return CONFLICTS[held].includes(requested);
}

/**
 * Reads take ACCESS SHARE, writes take ROW EXCLUSIVE, and most DDL (and autovacuum) needs at
 * least SHARE UPDATE EXCLUSIVE: a lock blocks an operation when it conflicts with that mode.
 */
export function blockedOperations(mode: LockMode): BlockedOperation[] {
  const blocked: BlockedOperation[] = [];
  if (conflicts(mode, 'ACCESS SHARE')) blocked.push('reads');
  if (conflicts(mode, 'ROW EXCLUSIVE')) blocked.push('writes');
  if (conflicts(mode, 'SHARE UPDATE EXCLUSIVE')) blocked.push('ddl');
  return blocked;
}

export function lockInfo(mode: LockMode): LockInfo {
  return { mode, blocks: blockedOperations(mode) };
}

/** The stronger of two modes, by the documentation's order. */
export function strongerLock(a: LockMode, b: LockMode): LockMode {
  return LOCK_MODES.indexOf(a) >= LOCK_MODES.indexOf(b) ? a : b;
}

/** pg_locks spells modes as `AccessExclusiveLock`; convert to the documentation's words. */
export function lockModeFromPgLocks(mode: string): LockMode | undefined {
  const words = mode.replace(/Lock$/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toUpperCase();
  return (LOCK_MODES as readonly string[]).includes(words) ? (words as LockMode) : undefined;
}
