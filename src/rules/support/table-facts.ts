/**
 * What the migrations before a statement (history files included, in migration order) say
 * about a table and its indexes: whether it is partitioned and its partitions, its primary
 * key's name, its CHECK constraints, the columns some index or key covers, whether it has a
 * row-level security policy. Rules ask instead of rescanning history (see statement-facts.ts).
 */
import type { AlterTableCmd, Constraint, CreatePolicyStmt, CreateStmt, IndexElem, IndexStmt, Node, PartitionCmd, RangeVar } from '@pgsql/types';
import { alterTableCommands, nodeAs, relationKey, relationName, stringList, walk } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';
import { columnConstraints, unqualified } from './breaking-ast.js';
import { perChangeSet, StatementFacts } from './statement-facts.js';

/** A CHECK constraint of a table: its name, the columns it reads, whether every row was checked. */
export interface CheckConstraint {
  name: string;
  columns: readonly string[];
  /** Columns (lower case) the expression tests with `IS NOT NULL`. */
  notNull: readonly string[];
  validated: boolean;
}

/** A table as the migrations before a statement leave it (only what they show; unknown is empty). */
export interface TableState {
  /** Created with PARTITION BY. */
  partitioned: boolean;
  /** The partition key's plain columns (lower case), when partitioned by columns. */
  partitionKey: readonly string[];
  /** Partitions created with PARTITION OF or attached, as written. */
  partitions: readonly string[];
  /** The DEFAULT partition, as written. */
  defaultPartition: string | undefined;
  /** The primary key constraint's name (lower case). */
  primaryKey: string | undefined;
  /** The primary key's columns (lower case), when the migrations name them. */
  primaryKeyColumns: readonly string[];
  checks: readonly CheckConstraint[];
  /** Columns (lower case) that an index, UNIQUE or PRIMARY KEY covers. */
  indexedColumns: ReadonlySet<string>;
  /** Columns (lower case) that some index reads anywhere: as a key, in an expression, as an INCLUDE column or in its predicate. */
  indexReadColumns: ReadonlySet<string>;
  /** A CREATE POLICY names the table. */
  hasPolicy: boolean;
}

/** An index created by CREATE INDEX: its table and its plain columns (undefined when it has expressions). */
export interface IndexState {
  table: string;
  columns: readonly string[] | undefined;
}

type TableFact =
  | { partitioned: readonly string[] }
  | { partition: string; isDefault: boolean }
  | { detached: string }
  | { primaryKey: string; columns: readonly string[] }
  | { droppedConstraint: string }
  | { check: CheckConstraint }
  | { validated: string }
  | { indexed: readonly string[] }
  | { indexReads: readonly string[] }
  | { policy: true };

const EMPTY: TableState = { partitioned: false, partitionKey: [], partitions: [], defaultPartition: undefined, primaryKey: undefined, primaryKeyColumns: [], checks: [], indexedColumns: new Set(), indexReadColumns: new Set(), hasPolicy: false };

/** The table `table` as the migrations before `statement` (of `file`) leave it. */
export function tableBefore(changeSet: ChangeSet, file: AnalyzedFile, statement: Statement, table: string): TableState {
  return tableFacts(changeSet).stateBefore(file, statement, relationKey(table));
}

/**
 * The primary key of `table` that a command of an ALTER TABLE drops: DROP CONSTRAINT naming
 * it (or Postgres's default `<table>_pkey` when the migrations do not name it), or DROP
 * COLUMN of one of its columns (Postgres drops every constraint that involves the column, a
 * multi-column key too: ALTER TABLE reference).
 */
export function primaryKeyDroppedBy(changeSet: ChangeSet, file: AnalyzedFile, statement: Statement, table: string, command: AlterTableCmd): { constraint: string; column?: string } | undefined {
  if (!command.name || (command.subtype !== 'AT_DropConstraint' && command.subtype !== 'AT_DropColumn')) return undefined;
  const { primaryKey, primaryKeyColumns } = tableBefore(changeSet, file, statement, table);
  const name = command.name.toLowerCase();
  if (command.subtype === 'AT_DropColumn') return primaryKey && primaryKeyColumns.includes(name) ? { constraint: primaryKey, column: command.name } : undefined;
  const isPrimaryKey = primaryKey ? primaryKey === name : name === `${unqualified(table)}_pkey`.toLowerCase();
  return isPrimaryKey ? { constraint: command.name } : undefined;
}

/** The index `name` in the schema of `table` (as written), as the migrations before `statement` created it. */
export function indexBefore(changeSet: ChangeSet, file: AnalyzedFile, statement: Statement, table: string, name: string): IndexState | undefined {
  return indexFacts(changeSet).stateBefore(file, statement, indexKey(table, name));
}

/** Indexes live in their table's schema: the key is the table's schema and the index name. */
function indexKey(table: string, index: string): string {
  const schema = table.includes('.') ? table.slice(0, table.lastIndexOf('.') + 1) : '';
  return relationKey(`${schema}${index}`);
}

/** The column names an expression reads, as written (quoted names keep their case), each once. */
function columnsAsWritten(expression: Node | undefined): Set<string> {
  const columns = new Set<string>();
  walk({ expression }, (type, payload) => {
    const name = type === 'ColumnRef' ? stringList(payload.fields as Node[] | undefined).at(-1) : undefined;
    if (name) columns.add(name);
  });
  return columns;
}

/** The column names (lower case) an expression reads. */
export function columnsOf(expression: Node | undefined): string[] {
  return [...new Set([...columnsAsWritten(expression)].map((name) => name.toLowerCase()))];
}

/**
 * The name Postgres gives an unnamed CHECK constraint of `table` (unqualified):
 * `<table>_<column>_check` when its expression reads exactly one column, else `<table>_check`,
 * whether it was written on a column or on the table (heap.c AddRelationNewConstraints counts
 * the distinct columns of the expression; checked on PGlite: `CHECK (a > 0)` is `t_a_check`,
 * `CHECK (a > "Bee")` and `CHECK (true)` are `t_check`, and a column `c int CHECK (c > a)` is
 * `t_check` too). Postgres adds a number when the name is taken, which this does not know.
 */
export function checkConstraintName(table: string, expression: Node | undefined): string {
  const columns = columnsAsWritten(expression);
  return [unqualified(table), ...(columns.size === 1 ? columns : []), 'check'].join('_');
}

/** The columns (lower case) an expression tests with `IS NOT NULL`. */
function notNullTested(expression: Node | undefined): string[] {
  const columns: string[] = [];
  walk({ expression }, (type, payload) => {
    if (type === 'NullTest' && payload.nulltesttype === 'IS_NOT_NULL') columns.push(...columnsOf(payload.arg as Node | undefined));
  });
  return columns;
}

const tableFacts = perChangeSet(
  (changeSet) =>
    new StatementFacts<TableFact, TableState>(changeSet.files, changeSet.statementsOf, readTableFacts, {
      initial: EMPTY,
      step(state, fact) {
        if ('partitioned' in fact) return { ...state, partitioned: true, partitionKey: fact.partitioned };
        if ('partition' in fact) return { ...state, partitions: [...state.partitions, fact.partition], defaultPartition: fact.isDefault ? fact.partition : state.defaultPartition };
        if ('detached' in fact) {
          const gone = relationKey(fact.detached);
          return { ...state, partitions: state.partitions.filter((p) => relationKey(p) !== gone), defaultPartition: state.defaultPartition && relationKey(state.defaultPartition) === gone ? undefined : state.defaultPartition };
        }
        if ('primaryKey' in fact) return { ...state, primaryKey: fact.primaryKey, primaryKeyColumns: fact.columns };
        if ('droppedConstraint' in fact) {
          const keyDropped = state.primaryKey === fact.droppedConstraint;
          return { ...state, primaryKey: keyDropped ? undefined : state.primaryKey, primaryKeyColumns: keyDropped ? [] : state.primaryKeyColumns, checks: state.checks.filter((c) => c.name !== fact.droppedConstraint) };
        }
        if ('check' in fact) return { ...state, checks: [...state.checks, fact.check] };
        if ('validated' in fact) return { ...state, checks: state.checks.map((c) => (c.name === fact.validated ? { ...c, validated: true } : c)) };
        if ('indexed' in fact) return { ...state, indexedColumns: new Set([...state.indexedColumns, ...fact.indexed]), indexReadColumns: new Set([...state.indexReadColumns, ...fact.indexed]) };
        if ('indexReads' in fact) return { ...state, indexReadColumns: new Set([...state.indexReadColumns, ...fact.indexReads]) };
        return { ...state, hasPolicy: true };
      },
    }),
);

const indexFacts = perChangeSet(
  (changeSet) =>
    new StatementFacts<IndexState, IndexState | undefined>(
      changeSet.files,
      changeSet.statementsOf,
      (statement, record) => {
        const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
        if (!index?.idxname || statement.section !== 'up') return;
        const table = relationName(index.relation);
        record(indexKey(table, index.idxname), { table, columns: plainColumns(index.indexParams) });
      },
      { initial: undefined, step: (_state, fact) => fact },
    ),
);

/** The plain column names of index elements, or undefined when one is an expression. */
function plainColumns(params: Node[] | undefined): string[] | undefined {
  const columns: string[] = [];
  for (const param of params ?? []) {
    const name = nodeAs<IndexElem>(param, 'IndexElem')?.name;
    if (!name) return undefined;
    columns.push(name.toLowerCase());
  }
  return columns;
}

/** A constraint's name as Postgres stores it: as written, or the default Postgres derives for keys. */
function keyName(constraint: Constraint, table: string, suffix: string): string {
  return (constraint.conname ?? `${unqualified(table)}_${suffix}`).toLowerCase();
}

function readTableFacts(statement: Statement, record: (key: string, fact: TableFact) => void): void {
  if (statement.section !== 'up') return;
  const { node } = statement;
  const create = nodeAs<CreateStmt>(node, 'CreateStmt');
  if (create) return readCreate(create, record);
  const index = nodeAs<IndexStmt>(node, 'IndexStmt');
  if (index) {
    const columns = (index.indexParams ?? []).map((p) => nodeAs<IndexElem>(p, 'IndexElem')?.name?.toLowerCase()).filter((c): c is string => !!c);
    record(relationKey(relationName(index.relation)), { indexed: columns });
    const elements = [...(index.indexParams ?? []), ...(index.indexIncludingParams ?? [])].map((p) => nodeAs<IndexElem>(p, 'IndexElem'));
    const reads = [...elements.flatMap((e) => (e?.name ? [e.name.toLowerCase()] : columnsOf(e?.expr))), ...columnsOf(index.whereClause)];
    record(relationKey(relationName(index.relation)), { indexReads: reads });
    return;
  }
  const policy = nodeAs<CreatePolicyStmt>(node, 'CreatePolicyStmt');
  if (policy) return record(relationKey(relationName(policy.table)), { policy: true });
  const alter = alterTableCommands(node);
  if (!alter) return;
  const key = relationKey(alter.table);
  for (const command of alter.commands) {
    const constraint = nodeAs<Constraint>(command.def, 'Constraint');
    if (command.subtype === 'AT_AddConstraint' && constraint) readConstraint(constraint, alter.table, [], (fact) => record(key, fact));
    if (command.subtype === 'AT_AddColumn') {
      const def = nodeAs<{ colname?: string; constraints?: Node[] }>(command.def, 'ColumnDef');
      for (const c of def ? columnConstraints(def) : []) readConstraint(c, alter.table, [def?.colname ?? ''], (fact) => record(key, fact));
    }
    if (command.subtype === 'AT_ValidateConstraint' && command.name) record(key, { validated: command.name.toLowerCase() });
    if (command.subtype === 'AT_DropConstraint' && command.name) record(key, { droppedConstraint: command.name.toLowerCase() });
    const partition = nodeAs<PartitionCmd>(command.def, 'PartitionCmd');
    if (command.subtype === 'AT_AttachPartition' && partition?.name) record(key, { partition: relationName(partition.name), isDefault: !!partition.bound?.is_default });
    if (command.subtype === 'AT_DetachPartition' && partition?.name) record(key, { detached: relationName(partition.name) });
  }
}

function readCreate(create: CreateStmt, record: (key: string, fact: TableFact) => void): void {
  const table = relationName(create.relation);
  const key = relationKey(table);
  if (create.partspec) {
    const columns = (create.partspec.partParams ?? []).map((p) => nodeAs<{ name?: string }>(p, 'PartitionElem')?.name?.toLowerCase()).filter((c): c is string => !!c);
    record(key, { partitioned: columns });
  }
  const parent = nodeAs<RangeVar>(create.inhRelations?.[0], 'RangeVar');
  if (create.partbound && parent) record(relationKey(relationName(parent)), { partition: table, isDefault: !!create.partbound.is_default });
  for (const element of create.tableElts ?? []) {
    const column = nodeAs<{ colname?: string; constraints?: Node[] }>(element, 'ColumnDef');
    if (column) for (const c of columnConstraints(column)) readConstraint(c, table, [column.colname ?? ''], (fact) => record(key, fact));
    const constraint = nodeAs<Constraint>(element, 'Constraint');
    if (constraint) readConstraint(constraint, table, [], (fact) => record(key, fact));
  }
}

/** The facts of one constraint; `columns` are the column's own for a column constraint. */
function readConstraint(constraint: Constraint, table: string, columns: string[], record: (fact: TableFact) => void): void {
  const keys = columns.length > 0 ? columns : stringList(constraint.keys);
  const lower = keys.map((k) => k.toLowerCase());
  if (constraint.contype === 'CONSTR_PRIMARY') {
    record({ primaryKey: keyName(constraint, table, 'pkey'), columns: lower });
    record({ indexed: lower });
  } else if (constraint.contype === 'CONSTR_UNIQUE') {
    record({ indexed: lower });
  } else if (constraint.contype === 'CONSTR_CHECK') {
    const name = (constraint.conname ?? checkConstraintName(table, constraint.raw_expr)).toLowerCase();
    record({ check: { name, columns: columnsOf(constraint.raw_expr), notNull: notNullTested(constraint.raw_expr), validated: !constraint.skip_validation } });
  }
}
