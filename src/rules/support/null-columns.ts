/**
 * Columns that hold only NULLs: added by the change's new migrations (see newMigrationFacts)
 * without a default, and not written since. A unique index or constraint on such a column cannot meet a
 * duplicate, as NULLs are distinct by default (Atlas's MF101 passes it).
 */
import type { ColumnDef, InsertStmt, Node, ResTarget, UpdateStmt } from '@pgsql/types';
import { alterTableCommands, nodeAs, relationKey, relationName } from '../../core/ast.js';
import type { Statement } from '../../core/parse.js';
import type { AnalyzedFile, ChangeSet } from '../../core/rule.js';
import { columnConstraints } from './breaking-ast.js';
import { newMigrationFacts } from './statement-facts.js';

/** Whether `table`.`column` holds only NULLs before `statement`: added by the change without a default and not written since. */
export function holdsOnlyNulls(changeSet: ChangeSet, file: AnalyzedFile, statement: Statement, table: string, column: string): boolean {
  return nullColumnFacts(changeSet, file).stateBefore(file, statement, relationKey(table)).get(column.toLowerCase()) === true;
}

/** One statement's effect on a table's columns: a column now holds only NULLs (or may hold values), or every column may hold values. */
type ColumnFact = { column: string; onlyNulls: boolean } | { everyColumn: 'written' };
/** Per column (lower case) of a table: whether it holds only NULLs. */
type TableColumns = ReadonlyMap<string, boolean>;

function step(state: TableColumns, fact: ColumnFact): TableColumns {
  if ('everyColumn' in fact) return new Map([...state.keys()].map((column) => [column, false]));
  return new Map(state).set(fact.column, fact.onlyNulls);
}

/**
 * The column facts of a statement: `true` when it adds the column without a default (every
 * existing row NULL), `false` when it may put a value in it (a default from now on, a new
 * type computed with USING, an UPDATE that sets it, an INSERT that may fill it).
 */
function readColumnFacts(node: Node, record: (table: string, fact: ColumnFact) => void): void {
  const alter = alterTableCommands(node);
  for (const command of alter?.commands ?? []) {
    const def = nodeAs<ColumnDef>(command.def, 'ColumnDef');
    if (command.subtype === 'AT_AddColumn' && def?.colname) {
      const filled = !!def.raw_default || columnConstraints(def).some((c) => ['CONSTR_DEFAULT', 'CONSTR_IDENTITY', 'CONSTR_GENERATED'].includes(c.contype ?? ''));
      record(alter!.table, { column: def.colname.toLowerCase(), onlyNulls: !filled });
    } else if (command.name && ((command.subtype === 'AT_ColumnDefault' && command.def) || (command.subtype === 'AT_AlterColumnType' && def?.raw_default))) {
      record(alter!.table, { column: command.name.toLowerCase(), onlyNulls: false });
    }
  }
  const update = nodeAs<UpdateStmt>(node, 'UpdateStmt');
  for (const target of update?.targetList ?? []) {
    const column = nodeAs<ResTarget>(target, 'ResTarget')?.name;
    if (column) record(relationName(update!.relation), { column: column.toLowerCase(), onlyNulls: false });
  }
  const insert = nodeAs<InsertStmt>(node, 'InsertStmt');
  if (!insert) return;
  // NOTE: an INSERT without a column list may fill every column.
  if (!insert.cols?.length) record(relationName(insert.relation), { everyColumn: 'written' });
  for (const target of insert.cols ?? []) {
    const column = nodeAs<ResTarget>(target, 'ResTarget')?.name;
    if (column) record(relationName(insert.relation), { column: column.toLowerCase(), onlyNulls: false });
  }
}

/** What the new migrations do to the columns of tables, in migration order. */
const nullColumnFacts = newMigrationFacts<ColumnFact, TableColumns>((statement, record) => readColumnFacts(statement.node, (table, fact) => record(relationKey(table), fact)), { initial: new Map(), step });
