/**
 * The lock each kind of statement takes on the relations it names, from the Postgres
 * documentation (explicit-locking.html and each command's reference page). Used for the
 * per-statement table in reports; rules state their own claim in metadata, and replay
 * checks both against what Postgres really does.
 */
import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, Node, RangeVar } from '@pgsql/types';
import { alterTableCommands, NodeMemo, nodeAs, nodeType, optionEnabled, relationName } from './ast.js';
import { type LockInfo, type LockMode, lockInfo, strongerLock } from './locks.js';

/** The relations a statement locks and the strongest mode it takes on them. */
export interface StatementLock {
  tables: string[];
  lock: LockInfo | null;
  /** The statement rewrites the whole table (copies every row). */
  rewrite: boolean;
}

const NONE: StatementLock = { tables: [], lock: null, rewrite: false };

/** Sub-commands of ALTER TABLE that take less than ACCESS EXCLUSIVE (ALTER TABLE reference page). */
const ALTER_TABLE_LOCKS: Partial<Record<string, LockMode>> = {
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_SetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_ResetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_AttachPartition: 'SHARE UPDATE EXCLUSIVE',
  AT_DetachPartitionFinalize: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableAlwaysTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableReplicaTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
};

function alterTableLock(stmt: AlterTableStmt): LockMode {
  let mode: LockMode | undefined;
  for (const cmdNode of stmt.cmds ?? []) {
    const cmd = nodeAs<AlterTableCmd>(cmdNode, 'AlterTableCmd');
    if (!cmd) continue;
    let cmdMode: LockMode = ALTER_TABLE_LOCKS[cmd.subtype ?? ''] ?? 'ACCESS EXCLUSIVE';
    if (cmd.subtype === 'AT_DetachPartition' && (nodeAs<{ concurrent?: boolean }>(cmd.def, 'PartitionCmd')?.concurrent ?? false)) {
      cmdMode = 'SHARE UPDATE EXCLUSIVE';
    }
    if (cmd.subtype === 'AT_AddConstraint') {
      const constraint = nodeAs<{ contype?: string }>(cmd.def, 'Constraint');
      if (constraint?.contype === 'CONSTR_FOREIGN') cmdMode = 'SHARE ROW EXCLUSIVE';
    }
    mode = mode ? strongerLock(mode, cmdMode) : cmdMode;
  }
  return mode ?? 'ACCESS EXCLUSIVE';
}

function locked(relations: (RangeVar | undefined)[], mode: LockMode, rewrite = false): StatementLock {
  return { tables: relations.filter((r): r is RangeVar => !!r).map(relationName), lock: lockInfo(mode), rewrite };
}

/** The lock a statement takes, as documented. Statements that lock nothing return no tables. Computed once per node (shared: do not modify). */
export function statementLock(node: Node): StatementLock {
  return lockMemo.of(node);
}

const lockMemo = new NodeMemo('statementLock', readStatementLock);

function readStatementLock(node: Node): StatementLock {
  const kind = nodeType(node)!;
  const payload = (node as unknown as Record<string, Record<string, unknown>>)[kind]!;
  switch (kind) {
    case 'AlterTableStmt': {
      const stmt = payload as AlterTableStmt;
      if (stmt.objtype !== 'OBJECT_TABLE' && stmt.objtype !== 'OBJECT_MATVIEW' && stmt.objtype !== 'OBJECT_INDEX') return NONE;
      return locked([stmt.relation], alterTableLock(stmt));
    }
    case 'IndexStmt':
      return locked([payload.relation as RangeVar], payload.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
    case 'RenameStmt':
      return payload.relation ? locked([payload.relation as RangeVar], 'ACCESS EXCLUSIVE') : NONE;
    case 'DropStmt': {
      const objects = (payload.objects as Node[] | undefined) ?? [];
      const names = objects.map((o) => {
        const list = nodeAs<{ items?: Node[] }>(o, 'List')?.items;
        return list ? list.map((i) => nodeAs<{ sval?: string }>(i, 'String')?.sval).join('.') : '';
      });
      const type = payload.removeType as string;
      if (type === 'OBJECT_INDEX') {
        return { tables: names, lock: lockInfo(payload.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE'), rewrite: false };
      }
      if (['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_SEQUENCE', 'OBJECT_FOREIGN_TABLE'].includes(type)) {
        return { tables: names, lock: lockInfo('ACCESS EXCLUSIVE'), rewrite: false };
      }
      return NONE;
    }
    case 'TruncateStmt':
      return locked(((payload.relations as Node[]) ?? []).map((r) => nodeAs<RangeVar>(r, 'RangeVar')), 'ACCESS EXCLUSIVE');
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      return locked([payload.relation as RangeVar], 'ROW EXCLUSIVE');
    case 'CreateTrigStmt':
      return locked([payload.relation as RangeVar], 'SHARE ROW EXCLUSIVE');
    case 'RuleStmt':
      return locked([payload.relation as RangeVar], 'ACCESS EXCLUSIVE');
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
      return locked([payload.table as RangeVar], 'ACCESS EXCLUSIVE');
    case 'ClusterStmt':
      return locked([payload.relation as RangeVar], 'ACCESS EXCLUSIVE', true);
    case 'VacuumStmt': {
      const full = optionEnabled(payload.options as Node[] | undefined, 'full');
      const rels = ((payload.rels as Node[]) ?? []).map((r) => nodeAs<{ relation?: RangeVar }>(r, 'VacuumRelation')?.relation);
      return locked(rels, full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE', full);
    }
    case 'ReindexStmt': {
      const concurrently = optionEnabled(payload.params as Node[] | undefined, 'concurrently');
      return locked([payload.relation as RangeVar], concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
    }
    case 'RefreshMatViewStmt':
      return locked([payload.relation as RangeVar], payload.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE');
    case 'CommentStmt':
      return NONE;
    case 'LockStmt': {
      const modes: LockMode[] = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
      const mode = modes[((payload.mode as number) ?? 8) - 1] ?? 'ACCESS EXCLUSIVE';
      return locked(((payload.relations as Node[]) ?? []).map((r) => nodeAs<RangeVar>(r, 'RangeVar')), mode);
    }
    default:
      return NONE;
  }
}

/** ALTER TABLE sub-commands that rewrite the table or move its files: every row is read (ALTER TABLE reference page, Notes). */
const REWRITING_COMMANDS = new Set(['AT_AlterColumnType', 'AT_SetLogged', 'AT_SetUnLogged', 'AT_SetTableSpace', 'AT_SetAccessMethod']);

/**
 * Whether an ALTER TABLE reads every row of its table under its lock: a rewrite (a type
 * change, SET LOGGED/UNLOGGED, SET TABLESPACE or ACCESS METHOD, a new identity or stored
 * generated column; a new serial column's default is not read here) or a scan that verifies rows (SET NOT NULL, a CHECK or NOT NULL
 * constraint added without NOT VALID). Postgres does these in one pass per statement, so
 * two such statements on one table in one transaction read it twice (ALTER TABLE, Notes).
 * A type change Postgres can do without a rewrite still counts: it is not known here.
 */
export function alterTableReadsEveryRow(node: Node): boolean {
  return alterTableCommands(node)?.commands.some(commandReadsEveryRow) ?? false;
}

function commandReadsEveryRow(cmd: AlterTableCmd): boolean {
  if (REWRITING_COMMANDS.has(cmd.subtype ?? '') || cmd.subtype === 'AT_SetNotNull') return true;
  if (cmd.subtype === 'AT_AddConstraint') {
    const constraint = nodeAs<Constraint>(cmd.def, 'Constraint');
    return !!constraint && (constraint.contype === 'CONSTR_CHECK' || constraint.contype === 'CONSTR_NOTNULL') && !constraint.skip_validation;
  }
  if (cmd.subtype === 'AT_AddColumn') {
    const constraints = (nodeAs<ColumnDef>(cmd.def, 'ColumnDef')?.constraints ?? []).map((c) => nodeAs<Constraint>(c, 'Constraint'));
    return constraints.some((c) => c?.contype === 'CONSTR_IDENTITY' || (c?.contype === 'CONSTR_GENERATED' && c.generated_kind !== 'v'));
  }
  return false;
}
