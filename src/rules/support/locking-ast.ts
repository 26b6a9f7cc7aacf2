/**
 * AST readers shared by the locking rules: constraints an ALTER TABLE adds, and the
 * validated `CHECK (col IS NOT NULL)` constraints seen earlier in the change set.
 */
import type { Constraint, Node, NullTest } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, NodeMemo, nodeAs, relationKey, stringList } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';
import { perChangeSet, StatementFacts } from './statement-facts.js';

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

/** The column a `CHECK (col IS NOT NULL)` constraint proves, if it is one. */
function notNullCheckColumn(constraint: Constraint): string | undefined {
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
  const pending = new Set<string>();
  for (const fact of notNullCheckFacts(changeSet).before(file, current, relationKey(table))) {
    if ('validates' in fact) {
      if (pending.has(fact.validates)) return true;
    } else if (fact.column === column.toLowerCase()) {
      if (fact.validated) return true;
      pending.add(fact.name);
    }
  }
  return false;
}

/** A `CHECK (column IS NOT NULL)` added to a table, or a VALIDATE CONSTRAINT on it (names lower-cased). */
type NotNullCheckFact = { column: string; validated: boolean; name: string } | { validates: string };

/** The NOT NULL checks and validations of every parsed statement, by table key. */
const notNullCheckFacts = perChangeSet<NotNullCheckFact>(
  (changeSet) =>
    new StatementFacts(
      changeSet.files,
      (file) => file.statements,
      (statement, record) => {
        const alter = alterTableCommands(statement.node);
        if (!alter) return;
        for (const command of alter.commands) {
          const constraint = nodeAs<Constraint>(command.def, 'Constraint');
          const column = command.subtype === 'AT_AddConstraint' && constraint ? notNullCheckColumn(constraint) : undefined;
          if (column !== undefined) record(relationKey(alter.table), { column, validated: !constraint!.skip_validation, name: (constraint!.conname ?? '').toLowerCase() });
          if (command.subtype === 'AT_ValidateConstraint') record(relationKey(alter.table), { validates: (command.name ?? '').toLowerCase() });
        }
      },
    ),
);
