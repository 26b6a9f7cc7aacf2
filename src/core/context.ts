/**
 * Migration context that changes verdicts: whether a statement runs in a transaction,
 * whether lock_timeout / statement_timeout were set before it, and which tables the
 * change set created (new tables are empty and unused, so locking them is harmless).
 */
import type { CreateStmt, CreateTableAsStmt, FuncCall, Node, RenameStmt, TransactionStmt, VariableSetStmt } from '@pgsql/types';
import { constantValue, nodeAs, relationKey, relationName, stringList, walk } from './ast.js';
import type { Statement } from './parse.js';
import type { StatementState } from './rule.js';

/** Tables created by earlier statements of the change set, by normalised name. */
export class CreatedTables {
  private readonly names = new Set<string>();

  has(name: string): boolean {
    return this.names.has(relationKey(name));
  }

  /** Records what a statement creates (or renames a new table to). */
  observe(node: Node): void {
    const create = nodeAs<CreateStmt>(node, 'CreateStmt');
    if (create) this.names.add(relationKey(relationName(create.relation)));
    const createAs = nodeAs<CreateTableAsStmt>(node, 'CreateTableAsStmt');
    if (createAs?.into?.rel) this.names.add(relationKey(relationName(createAs.into.rel)));
    const rename = nodeAs<RenameStmt>(node, 'RenameStmt');
    if (rename?.renameType === 'OBJECT_TABLE' && rename.relation && rename.newname && this.has(relationName(rename.relation))) {
      this.names.add(relationKey(rename.relation.schemaname ? `${rename.relation.schemaname}.${rename.newname}` : rename.newname));
    }
  }
}

/** Follows transaction blocks and timeout settings through one section of a file. */
export class TransactionTracker {
  private explicit = false;
  private implicitOpen: boolean;
  private current: Statement[] = [];
  private sessionLockTimeout = false;
  private localLockTimeout = false;
  private sessionStatementTimeout = false;
  private localStatementTimeout = false;

  constructor(implicitTransaction: boolean) {
    this.implicitOpen = implicitTransaction;
  }

  /** The state in which the statement runs. Call before observe(statement). */
  stateFor(): StatementState {
    const inTransaction = this.explicit || this.implicitOpen;
    return {
      inTransaction,
      transaction: this.explicit ? 'explicit' : this.implicitOpen ? 'implicit' : 'none',
      transactionStatements: inTransaction ? [...this.current] : [],
      lockTimeout: this.sessionLockTimeout || this.localLockTimeout,
      statementTimeout: this.sessionStatementTimeout || this.localStatementTimeout,
    };
  }

  observe(statement: Statement): void {
    const transaction = nodeAs<TransactionStmt>(statement.node, 'TransactionStmt');
    if (transaction) {
      switch (transaction.kind) {
        case 'TRANS_STMT_BEGIN':
        case 'TRANS_STMT_START':
          this.explicit = true;
          this.current = [];
          return;
        case 'TRANS_STMT_COMMIT':
        case 'TRANS_STMT_ROLLBACK':
        case 'TRANS_STMT_PREPARE':
          // NOTE: a COMMIT also ends the migration tool's implicit transaction.
          this.explicit = false;
          this.implicitOpen = false;
          this.current = [];
          this.localLockTimeout = false;
          this.localStatementTimeout = false;
          return;
        default:
          break;
      }
    }
    const set = nodeAs<VariableSetStmt>(statement.node, 'VariableSetStmt');
    if (set?.name) this.setTimeout(set.name, set.kind === 'VAR_SET_VALUE' && !isZero(set.args?.[0]), set.is_local === true);
    for (const call of setConfigCalls(statement.node)) this.setTimeout(call.name, !isZero(call.value), call.local);
    if (this.explicit || this.implicitOpen) this.current.push(statement);
  }

  /** Records a `lock_timeout` / `statement_timeout` setting (SET, SET LOCAL or set_config). */
  private setTimeout(name: string, enabled: boolean, local: boolean): void {
    if (name === 'lock_timeout') {
      if (local) this.localLockTimeout = enabled;
      else this.sessionLockTimeout = enabled;
    } else if (name === 'statement_timeout') {
      if (local) this.localStatementTimeout = enabled;
      else this.sessionStatementTimeout = enabled;
    }
  }
}

/** `SELECT set_config('lock_timeout', '2s', is_local)` calls in a statement. */
function setConfigCalls(node: Node): { name: string; value: Node | undefined; local: boolean }[] {
  if (!nodeAs(node, 'SelectStmt')) return [];
  const calls: { name: string; value: Node | undefined; local: boolean }[] = [];
  walk(node, (type, payload) => {
    const call = payload as FuncCall;
    if (type !== 'FuncCall' || stringList(call.funcname).at(-1)?.toLowerCase() !== 'set_config') return;
    const name = constantValue(call.args?.[0]);
    if (typeof name === 'string') calls.push({ name: name.toLowerCase(), value: call.args?.[1], local: constantValue(call.args?.[2]) === true });
  });
  return calls;
}

function isZero(arg: Node | undefined): boolean {
  const value = constantValue(arg);
  return value === 0 || value === '0' || (typeof value === 'string' && /^0\s*(ms|s|min)?$/i.test(value.trim()));
}
