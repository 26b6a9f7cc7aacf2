/**
 * Look-ahead within one transaction block: what a statement does that a later statement of
 * the same transaction undoes is never seen by other sessions (Postgres makes a
 * transaction's changes visible only at commit), so it is no hazard to running code.
 */
import type { Statement } from '../../core/parse.js';

/**
 * Whether a statement after the one at index `after`, before the transaction block ends,
 * satisfies `test`. The block ends at the next transaction-control statement (COMMIT,
 * ROLLBACK, BEGIN, SAVEPOINT...: conservatively, any of them) or at the end of the file.
 * NOTE: only meaningful for a statement that runs in a transaction (StatementState.inTransaction).
 */
export function laterInTransaction(statements: readonly Statement[], after: number, test: (later: Statement) => boolean): boolean {
  // NOTE: a statement's index is usually its position in the file's list: starting right
  // after it, not at the first statement, keeps a long transaction linear, not quadratic.
  for (let i = statements[after]?.index === after ? after + 1 : 0; i < statements.length; i++) {
    const later = statements[i]!;
    if (later.index <= after) continue;
    if (later.kind === 'TransactionStmt') return false;
    if (test(later)) return true;
  }
  return false;
}
