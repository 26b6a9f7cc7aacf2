import type { Node } from '@pgsql/types';
import { alterTableCommands, nodeType, relationKey } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';

export default defineRule({
  id: 'ban-statements-after-access-exclusive',
  severity: 'warning',
  category: 'locking',
  summary: 'Work after an ACCESS EXCLUSIVE lock in the same transaction holds the lock longer',
  lock: null,
  rewrites: false,
  messages: { heldLock: 'ACCESS EXCLUSIVE on {{table}} is already held in this transaction; this statement keeps {{table}} blocked for reads and writes until it finishes.' },
  why: 'Locks are released only at commit. Every statement after an ACCESS EXCLUSIVE lock extends the time the table is completely unavailable.',
  fix: 'Commit right after the ACCESS EXCLUSIVE statement on {{table}}: move this statement to its own migration (or after COMMIT).',
  references: ['https://www.postgresql.org/docs/current/explicit-locking.html'],
  examples: {
    invalid: [{ sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE orders SET note = '' WHERE id = 1;\nCOMMIT;", messageIds: ['heldLock'] }],
    valid: [
      { sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nUPDATE orders SET note = '' WHERE id = 1;", why: 'the lock was released' },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;', why: 'catalog-only DDL on another table is instant' },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMENT ON COLUMN users.nickname IS \'shown name\';\nCOMMIT;', why: 'catalog-only follow-ups are instant' },
    ],
  },
  statement({ statement, state, isNewTable, report }) {
    if (state.accessExclusiveTables.size === 0) return;
    const lock = statementLock(statement.node);
    // NOTE: statements that lock nothing (SET, COMMENT) or only the already locked table are
    // instant, and so are catalog-only DDL on other tables: only work that scans or writes
    // rows of an existing table holds the lock long enough to matter.
    if (lock.tables.length === 0 || !scansRows(statement.node) || lock.tables.every((t) => isNewTable(t))) return;
    const current = new Set(lock.tables.map(relationKey));
    for (const table of state.accessExclusiveTables) {
      if (isNewTable(table) || current.has(relationKey(table))) continue;
      report({ messageId: 'heldLock', data: { table }, tables: [table] });
      return;
    }
  },
});

/** ALTER TABLE sub-commands that scan or rewrite the table. */
const SCANNING_ALTERS = new Set(['AT_AlterColumnType', 'AT_SetNotNull', 'AT_AddConstraint', 'AT_ValidateConstraint', 'AT_AddIndex', 'AT_SetLogged', 'AT_SetUnLogged', 'AT_SetAccessMethod', 'AT_SetTableSpace']);
const SCANNING_KINDS = new Set(['UpdateStmt', 'DeleteStmt', 'MergeStmt', 'ClusterStmt', 'VacuumStmt', 'ReindexStmt', 'RefreshMatViewStmt', 'CreateTableAsStmt']);

/** Whether a statement reads or writes every row of a table (and so takes time). */
function scansRows(node: Node): boolean {
  const kind = nodeType(node)!;
  if (SCANNING_KINDS.has(kind)) return true;
  if (kind === 'IndexStmt') return !(node as { IndexStmt: { concurrent?: boolean } }).IndexStmt.concurrent;
  if (kind === 'InsertStmt') {
    const select = (node as { InsertStmt: { selectStmt?: { SelectStmt?: { valuesLists?: unknown } } } }).InsertStmt.selectStmt?.SelectStmt;
    return !!select && !select.valuesLists; // INSERT ... SELECT copies rows; VALUES is quick
  }
  const alter = alterTableCommands(node);
  return !!alter?.commands.some((c) => SCANNING_ALTERS.has(c.subtype ?? '') && !(c.subtype === 'AT_AddConstraint' && (c.def as { Constraint?: { skip_validation?: boolean } } | undefined)?.Constraint?.skip_validation));
}
