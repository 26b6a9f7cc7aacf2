/**
 * Runs one statement and records what Postgres did: the relation locks its own backend
 * held (read from pg_locks before commit), the tables and indexes it rewrote (a new
 * relfilenode), and the error with its position.
 */
import type { AlterTableCmd, Node } from '@pgsql/types';
import { nodeAs, optionEnabled } from '../core/ast.js';
import { type LockMode, lockModeFromPgLocks, strongerLock } from '../core/locks.js';
import type { StatementTiming } from '../core/finding.js';
import { type ReplayDatabase, type SqlError, sqlError } from './interface.js';
import { relationStates, type RelationState } from './snapshot.js';
import { compareStrings } from '../core/compare.js';

/** A lock Postgres granted the statement. */
export interface ObservedLock {
  relation: string;
  mode: LockMode;
}

/** What one statement did when replayed. */
export interface StatementTrace {
  /** Strongest mode per relation that existed before the statement, sorted by relation. */
  locks: ObservedLock[];
  /** Tables and indexes whose data files were replaced. */
  rewrites: string[];
  /** False when the statement had to run outside a transaction: its locks were not seen. */
  locksObserved: boolean;
  error?: SqlError;
  /** Measured on a server (not PGlite, whose timings say nothing about production): duration, lock time, size change. */
  timing?: StatementTiming;
}

const LOCKS_SQL = `SELECT relation::int8::float8 AS oid, mode FROM pg_locks
  WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/**
 * Statements Postgres refuses inside a transaction block. NOTE: ALTER TYPE ... ADD VALUE
 * joined the list of allowed ones in Postgres 12.
 */
export function mustRunOutsideTransaction(node: Node, serverVersion: number): boolean {
  const [kind, payload] = Object.entries(node)[0] as [string, Record<string, unknown>];
  switch (kind) {
    case 'IndexStmt':
    case 'DropStmt':
      return payload.concurrent === true;
    case 'ReindexStmt':
      return optionEnabled(payload.params as Node[] | undefined, 'concurrently') || payload.kind === 'REINDEX_OBJECT_SYSTEM' || payload.kind === 'REINDEX_OBJECT_DATABASE';
    case 'VacuumStmt':
      return payload.is_vacuumcmd === true;
    case 'AlterEnumStmt':
      return serverVersion < 12 && !payload.oldVal;
    case 'AlterTableStmt':
      return ((payload.cmds as Node[] | undefined) ?? []).some(
        (c) => nodeAs<{ concurrent?: boolean }>(nodeAs<AlterTableCmd>(c, 'AlterTableCmd')?.def, 'PartitionCmd')?.concurrent === true,
      );
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'AlterSystemStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'CreateSubscriptionStmt':
    case 'DropSubscriptionStmt':
      return true;
    default:
      return false;
  }
}

/**
 * Where a traced statement runs: in a transaction of its own (its locks are read before
 * the commit), outside any (CONCURRENTLY and the like: locks unseen), or inside the
 * migration file's own explicit transaction block, already open (the locks read are all
 * those the block holds at that point, earlier statements' included; the caller commits).
 */
export type TraceMode = 'own-transaction' | 'outside' | 'in-block';

/**
 * Runs `sql` (one statement) as `mode` says. Never throws for SQL errors (in a block, the
 * caller rolls the block back). `known` holds the user relations before the statement (from
 * relationStates) and is brought up to date.
 * NOTE: a statement can only drop, rewrite or create a relation it locks, so after the
 * first full scan only the locked relations are read again: tracing costs the same in a
 * schema of ten tables or of thousands. Outside a transaction the locks are gone by the
 * time we could read them, so those statements rescan everything.
 */
export async function traceStatement(db: ReplayDatabase, sql: string, mode: TraceMode, known: Map<number, RelationState>): Promise<StatementTrace> {
  let locks: ObservedLock[] = [];
  let changed: Map<number, RelationState | undefined>;
  const started = performance.now();
  let durationMs = 0;
  let lockHeldMs = 0;
  try {
    if (mode === 'outside') {
      await db.exec(sql);
      // NOTE: outside a transaction the statement's own (weaker, unobserved) locks last exactly as long as it runs.
      durationMs = lockHeldMs = performance.now() - started;
      const after = await relationStates(db);
      changed = new Map([...known.keys(), ...after.keys()].map((oid) => [oid, after.get(oid)]));
    } else {
      if (mode === 'own-transaction') await db.exec('BEGIN');
      const statementStarted = performance.now();
      await db.exec(sql);
      durationMs = performance.now() - statementStarted;
      const rows = await db.query<{ oid: number; mode: string }>(LOCKS_SQL);
      locks = observedLocks(rows, known);
      const oids = [...new Set(rows.map((r) => Number(r.oid)))];
      const after = await relationStates(db, oids);
      if (mode === 'own-transaction') await db.exec('COMMIT');
      // NOTE: the locks are held until COMMIT (of the statement's own transaction; inside the
      // file's block, until the block ends, which this time does not include); the time spent
      // reading pg_locks is part of it here, as a migration's next statement would be.
      lockHeldMs = performance.now() - statementStarted;
      changed = new Map(oids.filter((oid) => known.has(oid) || after.has(oid)).map((oid) => [oid, after.get(oid)]));
    }
  } catch (caught) {
    if (mode === 'own-transaction') await db.exec('ROLLBACK');
    return { locks: [], rewrites: [], locksObserved: false, error: sqlError(caught) };
  }
  const rewrites: string[] = [];
  let sizeChangeBytes = 0;
  for (const [oid, now] of changed) {
    const before = known.get(oid);
    sizeChangeBytes += (now?.bytes ?? 0) - (before?.bytes ?? 0);
    if (before && now && before.relfilenode !== 0 && now.relfilenode !== before.relfilenode && ['r', 'm', 'i'].includes(before.relkind)) rewrites.push(before.name);
    if (now) known.set(oid, now);
    else known.delete(oid);
  }
  const timing = db.kind === 'postgres' ? { timing: { durationMs, lockHeldMs, sizeChangeBytes } } : {};
  return { locks, rewrites: rewrites.sort(), locksObserved: mode !== 'outside', ...timing };
}

/**
 * The strongest lock per relation that existed before the statement. NOTE: relations the
 * statement created are new and invisible to other sessions, so their locks block nobody;
 * relations it dropped are gone from pg_class, hence names from the snapshot taken before.
 */
function observedLocks(rows: { oid: number; mode: string }[], before: Map<number, RelationState>): ObservedLock[] {
  const strongest = new Map<string, LockMode>();
  for (const row of rows) {
    const relation = before.get(Number(row.oid));
    const mode = lockModeFromPgLocks(row.mode);
    if (!relation || !mode) continue;
    const held = strongest.get(relation.name);
    strongest.set(relation.name, held ? strongerLock(held, mode) : mode);
  }
  return [...strongest].map(([relation, mode]) => ({ relation, mode })).sort((a, b) => compareStrings(a.relation, b.relation));
}
