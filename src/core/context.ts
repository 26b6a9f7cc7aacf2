/**
 * Migration context that changes verdicts: whether a statement runs in a transaction,
 * whether lock_timeout / statement_timeout were set before it, and which tables the
 * change set created (new tables are empty and unused, so locking them is harmless).
 */
import type { AlterEnumStmt, CreateStmt, CreateTableAsStmt, FuncCall, Node, RenameStmt, SelectStmt, TransactionStmt, VariableSetStmt } from '@pgsql/types';
import { alterTableCommands, constantValue, nodeAs, relationKey, relationName, stringList, walk } from './ast.js';
import type { Section } from './migration.js';
import type { Statement } from './parse.js';
import type { Collected, CollectedTables, StatementState } from './rule.js';
import { alterTableReadsEveryRow, statementLock } from './statement-locks.js';

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
    // NOTE: `SELECT ... INTO [TEMP] TABLE x` creates x too (a SelectStmt with an intoClause).
    const selectInto = nodeAs<SelectStmt>(node, 'SelectStmt')?.intoClause?.rel;
    if (selectInto) this.names.add(relationKey(relationName(selectInto)));
    const rename = nodeAs<RenameStmt>(node, 'RenameStmt');
    if (rename?.renameType === 'OBJECT_TABLE' && rename.relation && rename.newname && this.has(relationName(rename.relation))) {
      this.names.add(relationKey(rename.relation.schemaname ? `${rename.relation.schemaname}.${rename.newname}` : rename.newname));
    }
  }
}

/**
 * A list that only grows, read through views of its first items: a view costs nothing to
 * take, so every statement gets one (see Collected).
 */
class GrowingList<T> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The first `size` items (by default, the items so far), as they stay while the list grows. */
  view(size = this.items.length): Collected<T> {
    const { items } = this;
    return {
      size,
      *[Symbol.iterator]() {
        for (let i = 0; i < size; i++) yield items[i]!;
      },
    };
  }
}

/** A growing list of table names (each once, as first written) that also answers by relationKey. */
class GrowingTables {
  private readonly names = new GrowingList<string>();
  private readonly written = new Set<string>();
  /** The position of each table's first spelling, by relationKey. */
  private readonly firstByKey = new Map<string, number>();

  add(table: string): void {
    if (this.written.has(table)) return;
    this.written.add(table);
    const key = relationKey(table);
    if (!this.firstByKey.has(key)) this.firstByKey.set(key, this.names.size);
    this.names.push(table);
  }

  get size(): number {
    return this.names.size;
  }

  /** The first `size` tables (by default, the tables so far), as they stay while the list grows. */
  view(size = this.names.size): CollectedTables {
    const { firstByKey } = this;
    const tables = this.names.view(size);
    return {
      size: tables.size,
      [Symbol.iterator]: () => tables[Symbol.iterator](),
      has: (table) => (firstByKey.get(relationKey(table)) ?? Infinity) < tables.size,
    };
  }
}

const NO_TABLES = new GrowingTables().view();
const NO_ENUM_VALUES = new GrowingList<AlterEnumStmt>().view();

/** What the tracker collected in the open transaction: TrackedState reads views of it on demand. */
interface TransactionCollections {
  accessExclusive: GrowingTables;
  readInFull: GrowingTables;
  enumValues: GrowingList<AlterEnumStmt>;
}

function newCollections(): TransactionCollections {
  return { accessExclusive: new GrowingTables(), readInFull: new GrowingTables(), enumValues: new GrowingList() };
}

/**
 * The state of one statement (a class: the tracker makes one per statement). NOTE: the
 * collected tables and values are read as views taken on first access, at the sizes they
 * had when the state was made: most statements' rules never ask for them.
 */
class TrackedState implements StatementState {
  readonly inTransaction: boolean;
  readonly transaction: StatementState['transaction'];
  readonly lockTimeout: boolean;
  readonly statementTimeout: boolean;
  private readonly current: readonly Statement[];
  private readonly length: number;
  private readonly collected: TransactionCollections | undefined;
  private readonly accessExclusiveSize: number;
  private readonly readInFullSize: number;
  private readonly enumValuesSize: number;

  constructor(fields: Pick<StatementState, 'inTransaction' | 'transaction' | 'lockTimeout' | 'statementTimeout'>, current: readonly Statement[], collected: TransactionCollections | undefined) {
    this.inTransaction = fields.inTransaction;
    this.transaction = fields.transaction;
    this.lockTimeout = fields.lockTimeout;
    this.statementTimeout = fields.statementTimeout;
    // NOTE: the tracker's array only grows until it is replaced, so its first `length`
    // entries are this state's snapshot; copying it for every statement would be quadratic.
    this.current = current;
    this.length = current.length;
    this.collected = collected;
    this.accessExclusiveSize = collected?.accessExclusive.size ?? 0;
    this.readInFullSize = collected?.readInFull.size ?? 0;
    this.enumValuesSize = collected?.enumValues.size ?? 0;
  }

  get accessExclusiveTables(): CollectedTables {
    return this.collected ? this.collected.accessExclusive.view(this.accessExclusiveSize) : NO_TABLES;
  }

  get tablesReadInFull(): CollectedTables {
    return this.collected ? this.collected.readInFull.view(this.readInFullSize) : NO_TABLES;
  }

  get addedEnumValues(): Collected<AlterEnumStmt> {
    return this.collected ? this.collected.enumValues.view(this.enumValuesSize) : NO_ENUM_VALUES;
  }

  get transactionStatements(): readonly Statement[] {
    return this.inTransaction ? this.current.slice(0, this.length) : [];
  }

  get firstTransactionStatement(): Statement | undefined {
    return this.inTransaction && this.length > 0 ? this.current[0] : undefined;
  }
}

/** Follows transaction blocks and timeout settings through one section of a file. */
export class TransactionTracker {
  private explicit = false;
  private implicitOpen: boolean;
  private readonly reopensAfterCommit: boolean;
  private current: Statement[] = [];
  // NOTE: replaced when a transaction starts; states keep views of the ones they saw.
  private collected = newCollections();
  private sessionLockTimeout = false;
  private localLockTimeout = false;
  private sessionStatementTimeout = false;
  private localStatementTimeout = false;

  /**
   * @param implicitTransaction whether the section starts inside a transaction block the tool
   *   opens for it (Section.implicitTransaction), or Postgres opens for a query string.
   * @param reopensAfterCommit whether a COMMIT or ROLLBACK is followed by a new implicit
   *   block: Postgres opens one before each statement of a multi-statement query string
   *   (postgres.c exec_simple_query, `use_implicit_block`), not only before the first.
   */
  constructor(implicitTransaction: boolean, reopensAfterCommit = false) {
    this.implicitOpen = implicitTransaction;
    this.reopensAfterCommit = reopensAfterCommit;
  }

  /**
   * The tracker for a section of `statementCount` statements, as its tool runs it. NOTE: a
   * section sent as one simple query (golang-migrate's postgres driver, Prisma) runs as one
   * implicit transaction block when it holds more than one statement; a BEGIN in the text
   * makes the block explicit
   * (https://www.postgresql.org/docs/current/protocol-flow.html#PROTOCOL-FLOW-MULTI-STATEMENT).
   * A pipeline (Supabase) is marked implicit by its convention.
   */
  static forSection(section: Pick<Section, 'implicitTransaction' | 'sends'>, statementCount: number): TransactionTracker {
    const oneQueryBlock = section.sends === 'one-query' && statementCount > 1;
    return new TransactionTracker(section.implicitTransaction || oneQueryBlock, oneQueryBlock);
  }

  /** The state in which the statement runs. Call before observe(statement). */
  stateFor(): StatementState {
    const inTransaction = this.explicit || this.implicitOpen;
    return new TrackedState(
      {
        inTransaction,
        transaction: this.explicit ? 'explicit' : this.implicitOpen ? 'implicit' : 'none',
        lockTimeout: this.sessionLockTimeout || this.localLockTimeout,
        statementTimeout: this.sessionStatementTimeout || this.localStatementTimeout,
      },
      this.current,
      inTransaction ? this.collected : undefined,
    );
  }

  observe(statement: Statement): void {
    const transaction = nodeAs<TransactionStmt>(statement.node, 'TransactionStmt');
    if (transaction) {
      switch (transaction.kind) {
        case 'TRANS_STMT_BEGIN':
        case 'TRANS_STMT_START':
          this.explicit = true;
          this.startTransaction();
          return;
        case 'TRANS_STMT_COMMIT':
        case 'TRANS_STMT_ROLLBACK':
        case 'TRANS_STMT_PREPARE':
          // NOTE: a COMMIT also ends the migration tool's implicit transaction.
          this.explicit = false;
          this.implicitOpen = this.reopensAfterCommit;
          this.startTransaction();
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
    if (this.explicit || this.implicitOpen) {
      this.current.push(statement);
      const lock = statementLock(statement.node);
      if (lock.lock?.mode === 'ACCESS EXCLUSIVE') for (const table of lock.tables) this.collected.accessExclusive.add(table);
      const alter = alterTableCommands(statement.node);
      if (alter && alterTableReadsEveryRow(statement.node)) this.collected.readInFull.add(alter.table);
      const enumValue = nodeAs<AlterEnumStmt>(statement.node, 'AlterEnumStmt');
      if (enumValue?.newVal) this.collected.enumValues.push(enumValue);
    }
  }

  private startTransaction(): void {
    this.current = [];
    this.collected = newCollections();
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
