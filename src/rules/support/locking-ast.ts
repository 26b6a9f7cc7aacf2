/**
 * AST readers shared by the locking rules: constraints an ALTER TABLE adds, and the
 * validated `CHECK (col IS NOT NULL)` constraints seen earlier in the change set.
 */
import type { Constraint, Node, NullTest } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, NodeMemo, nodeAs, relationKey, stringList } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';
import { columnKey, perChangeSet, StatementFacts } from './statement-facts.js';

/** The statement kinds addedConstraints reads. */
export const ADDED_CONSTRAINT_KINDS = ALTER_TABLE_KINDS;

/** A constraint an ALTER TABLE statement adds, with the table name. */
export interface AddedConstraint {
  table: string;
  constraint: Constraint;
}

/** The constraints an ALTER TABLE statement adds. Computed once per statement (shared: do not modify). */
export function addedConstraints(statement: Statement): readonly AddedConstraint[] {
  return addedMemo.of(statement.node);
}

const addedMemo = new NodeMemo<readonly AddedConstraint[]>('addedConstraints', readAddedConstraints);

function readAddedConstraints(node: Node): AddedConstraint[] {
  const alter = alterTableCommands(node);
  if (!alter) return [];
  return alter.commands
    .filter((c) => c.subtype === 'AT_AddConstraint')
    .map((c) => ({ table: alter.table, constraint: nodeAs<Constraint>(c.def, 'Constraint') }))
    .filter((c): c is AddedConstraint => !!c.constraint);
}

/** Whether the statement is an ALTER TABLE that adds a primary key to `table` (any spelling of its name). */
export function addsPrimaryKey(statement: Statement, table: string): boolean {
  const key = relationKey(table);
  return addedConstraints(statement).some((added) => added.constraint.contype === 'CONSTR_PRIMARY' && relationKey(added.table) === key);
}

/** The column a `CHECK (col IS NOT NULL)` constraint proves (lower case), if it is one. */
export function notNullCheckColumn(constraint: Constraint): string | undefined {
  if (constraint.contype !== 'CONSTR_CHECK') return undefined;
  const test = nodeAs<NullTest>(constraint.raw_expr, 'NullTest');
  if (test?.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = stringList(nodeAs<{ fields?: [] }>(test.arg, 'ColumnRef')?.fields);
  return fields.at(-1)?.toLowerCase();
}

/**
 * Whether a validated `CHECK (column IS NOT NULL)` on `table` exists before `current` (a
 * statement of `file`): added without NOT VALID, or added NOT VALID and then validated by
 * name, in an earlier statement of the change set's parsed files, in migration order.
 */
export function hasValidatedNotNullCheck(changeSet: ChangeSet, file: AnalyzedFile, current: Statement, table: string, column: string): boolean {
  return notNullProofs(changeSet).stateBefore(file, current, columnKey(table, column));
}

/**
 * Where a table's column is proved NOT NULL, under `table\0column`: a validated CHECK, or a
 * VALIDATE CONSTRAINT naming a NOT VALID check on the column added before it.
 */
const notNullProofs = perChangeSet((changeSet) => {
  // NOTE: read once per statement, in migration order: the NOT VALID checks so far, by table and name.
  const notValid = new Map<string, Map<string, Set<string>>>();
  return new StatementFacts<true, boolean>(
    changeSet.files,
    (file) => file.statements,
    (statement, record) => {
      const alter = alterTableCommands(statement.node);
      if (!alter) return;
      const table = relationKey(alter.table);
      const checks = notValid.get(table) ?? new Map<string, Set<string>>();
      notValid.set(table, checks);
      for (const command of alter.commands) {
        const constraint = nodeAs<Constraint>(command.def, 'Constraint');
        const column = command.subtype === 'AT_AddConstraint' && constraint ? notNullCheckColumn(constraint) : undefined;
        if (column !== undefined && !constraint!.skip_validation) record(columnKey(alter.table, column), true);
        if (column !== undefined && constraint!.skip_validation) {
          const name = (constraint!.conname ?? '').toLowerCase();
          checks.set(name, (checks.get(name) ?? new Set()).add(column));
        }
        if (command.subtype === 'AT_ValidateConstraint') {
          for (const validated of checks.get((command.name ?? '').toLowerCase()) ?? []) record(columnKey(alter.table, validated), true);
        }
      }
    },
    { initial: false, step: () => true },
  );
});
