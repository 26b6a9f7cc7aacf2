/**
 * AST readers shared by the breaking-change and type-advice rules: DROP targets, and the
 * column definitions a statement introduces (CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE).
 */
import type { ColumnDef, Constraint, CreateStmt, DropStmt, Node, TypeName } from '@pgsql/types';
import { alterTableCommands, NodeMemo, nodeAs, type NodeKind, relationName, stringList } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';
import { columnKey, perChangeSet, StatementFacts } from './statement-facts.js';

/** A DROP statement of one object kind, with its targets and options. */
export interface DropTargets {
  names: string[];
  concurrent: boolean;
  missingOk: boolean;
}

/** The statement kinds dropTargets reads. */
export const DROP_KINDS: readonly NodeKind[] = ['DropStmt'];

/** The targets of `DROP <kind> ...` (e.g. `OBJECT_TABLE`), or undefined for other statements. */
export function dropTargets(node: Node, removeType: string): DropTargets | undefined {
  const drop = nodeAs<DropStmt>(node, 'DropStmt');
  if (!drop || drop.removeType !== removeType) return undefined;
  const names = (drop.objects ?? []).map((object) => {
    const list = nodeAs<{ items?: Node[] }>(object, 'List');
    return list ? stringList(list.items).join('.') : stringList([object]).join('.');
  });
  return { names, concurrent: !!drop.concurrent, missingOk: !!drop.missing_ok };
}

/** The relation name without its schema, for deriving constraint and index names. */
export function unqualified(name: string): string {
  return name.split('.').pop() ?? name;
}

/** A column definition a statement introduces. */
export interface IntroducedColumn {
  table: string;
  column: string;
  type: TypeName | undefined;
  /** How it is introduced: in CREATE TABLE, by ADD COLUMN, or by ALTER COLUMN TYPE. */
  via: 'create' | 'add' | 'alter-type';
  /** Declared PRIMARY KEY inline or in a table constraint of the same CREATE TABLE. */
  primaryKey: boolean;
  constraints: Constraint[];
}

/** The constraints of a column definition. */
export function columnConstraints(def: ColumnDef): Constraint[] {
  return (def.constraints ?? []).map((c) => nodeAs<Constraint>(c, 'Constraint')).filter((c): c is Constraint => !!c);
}

/** The statement kinds introducedColumns reads. */
export const INTRODUCED_COLUMN_KINDS: readonly NodeKind[] = ['CreateStmt', 'AlterTableStmt'];

/** Every column definition the statement introduces. Computed once per node (shared: do not modify). */
export function introducedColumns(node: Node): readonly IntroducedColumn[] {
  return 'CreateStmt' in node || 'AlterTableStmt' in node ? introducedMemo.of(node) : [];
}

const introducedMemo = new NodeMemo<readonly IntroducedColumn[]>('introducedColumns', readIntroducedColumns);

function readIntroducedColumns(node: Node): IntroducedColumn[] {
  const create = nodeAs<CreateStmt>(node, 'CreateStmt');
  if (create) {
    const table = relationName(create.relation);
    const elements = create.tableElts ?? [];
    const tablePrimaryKey = new Set(
      elements
        .map((e) => nodeAs<Constraint>(e, 'Constraint'))
        .filter((c) => c?.contype === 'CONSTR_PRIMARY')
        .flatMap((c) => stringList(c?.keys)),
    );
    return elements
      .map((e) => nodeAs<ColumnDef>(e, 'ColumnDef'))
      .filter((d): d is ColumnDef => !!d?.colname)
      .map((def) => {
        const constraints = columnConstraints(def);
        const column = def.colname ?? '?';
        return { table, column, type: def.typeName, via: 'create' as const, constraints, primaryKey: tablePrimaryKey.has(column) || constraints.some((c) => c.contype === 'CONSTR_PRIMARY') };
      });
  }
  const alter = alterTableCommands(node);
  if (!alter) return [];
  const columns: IntroducedColumn[] = [];
  for (const command of alter.commands) {
    const def = nodeAs<ColumnDef>(command.def, 'ColumnDef');
    if (!def) continue;
    if (command.subtype === 'AT_AddColumn') {
      const constraints = columnConstraints(def);
      columns.push({ table: alter.table, column: def.colname ?? '?', type: def.typeName, via: 'add', constraints, primaryKey: constraints.some((c) => c.contype === 'CONSTR_PRIMARY') });
    } else if (command.subtype === 'AT_AlterColumnType') {
      columns.push({ table: alter.table, column: command.name ?? '?', type: def.typeName, via: 'alter-type', constraints: [], primaryKey: false });
    }
  }
  return columns;
}

/** What earlier migrations show about a column. */
export interface PriorColumn {
  type: TypeName | undefined;
  notNull: boolean;
}

/**
 * The column as the migrations before `statement` leave it (CREATE TABLE, ADD COLUMN,
 * ALTER COLUMN TYPE, SET/DROP NOT NULL in any earlier file or earlier in this one), or
 * undefined when they never define it.
 */
export function priorColumn(changeSet: ChangeSet, current: AnalyzedFile, statement: Statement, table: string, column: string): PriorColumn | undefined {
  return columnFacts(changeSet).stateBefore(current, statement, columnKey(table, column));
}

/** What one statement does to a column: defines it (or changes its type), or sets or drops NOT NULL. */
type ColumnFact = { introduced: IntroducedColumn } | { notNull: boolean };

/** The column facts of the up sections of every file, history files included, folded into what the column is. */
const columnFacts = perChangeSet(
  (changeSet) =>
    new StatementFacts<ColumnFact, PriorColumn | undefined>(
      changeSet.files,
      changeSet.statementsOf,
      (statement, record) => {
        if (statement.section !== 'up') return;
        // NOTE: in this order within a statement: a column added and set NOT NULL in one ALTER TABLE.
        for (const introduced of introducedColumns(statement.node)) record(columnKey(introduced.table, introduced.column), { introduced });
        const alter = alterTableCommands(statement.node);
        for (const command of alter?.commands ?? []) {
          if (command.subtype === 'AT_SetNotNull' || command.subtype === 'AT_DropNotNull') record(columnKey(alter!.table, command.name ?? ''), { notNull: command.subtype === 'AT_SetNotNull' });
        }
      },
      {
        initial: undefined,
        step(state, fact) {
          if ('notNull' in fact) return state && { ...state, notNull: fact.notNull };
          const { introduced } = fact;
          if (introduced.via === 'alter-type' && state) return { ...state, type: introduced.type };
          return { type: introduced.type, notNull: introduced.primaryKey || introduced.constraints.some((c) => c.contype === 'CONSTR_NOTNULL') };
        },
      },
    ),
);
