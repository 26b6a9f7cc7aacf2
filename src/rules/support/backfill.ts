/**
 * Statements that write many rows of one table (a backfill): shared by the rules about work
 * done while the transaction holds a lock on that table.
 */
import type { InsertStmt, MergeStmt, Node, RangeVar, UpdateStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../../core/ast.js';

/** The table a data-changing statement writes and how, when it writes rows of one (INSERT ... VALUES is quick: not a backfill). */
export function backfillTarget(node: Node): { table: string; operation: string } | undefined {
  const update = nodeAs<UpdateStmt>(node, 'UpdateStmt');
  if (update) return { table: relationName(update.relation), operation: 'UPDATE' };
  const remove = nodeAs<{ relation?: RangeVar }>(node, 'DeleteStmt');
  if (remove) return { table: relationName(remove.relation), operation: 'DELETE' };
  const merge = nodeAs<MergeStmt>(node, 'MergeStmt');
  if (merge) return { table: relationName(merge.relation), operation: 'MERGE' };
  const insert = nodeAs<InsertStmt>(node, 'InsertStmt');
  const select = nodeAs<{ valuesLists?: unknown }>(insert?.selectStmt, 'SelectStmt');
  if (insert && select && !select.valuesLists) return { table: relationName(insert.relation), operation: 'INSERT ... SELECT' };
  return undefined;
}
