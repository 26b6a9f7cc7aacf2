/**
 * ## What it does
 * Flags long-running operations on an existing table (validation scans, non-concurrent
 * index builds, table rewrites, backfills) when no `statement_timeout` is in effect.
 *
 * ## Why is this bad?
 * Without a bound, a scan or rewrite that turns out slow holds its lock for as long as it
 * takes; a statement_timeout turns it into a failed, retryable deploy.
 */
import type { Node } from '@pgsql/types';
import { alterTableCommands, nodeType } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';

/** Statement kinds that scan or rewrite a whole table while holding a lock. */
const LONG_KINDS = new Set(['IndexStmt', 'UpdateStmt', 'DeleteStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt']);
/** ALTER TABLE sub-commands that scan or rewrite the table. */
const LONG_ALTERS = new Set(['AT_ValidateConstraint', 'AT_AlterColumnType', 'AT_SetNotNull', 'AT_AddConstraint']);

function isLong(node: Node): boolean {
  if (LONG_KINDS.has(nodeType(node) ?? '')) return true;
  return alterTableCommands(node)?.commands.some((c) => LONG_ALTERS.has(c.subtype ?? '')) ?? false;
}

export default defineRule({
  id: 'require-statement-timeout',
  severity: 'warning',
  category: 'locking',
  summary: 'Long operations should run with a statement_timeout',
  lock: null,
  rewrites: false,
  messages: { missingStatementTimeout: 'No statement_timeout is set before this long-running operation on {{table}}.' },
  why: 'Scans, rewrites, index builds and backfills run as long as the data requires; without a statement_timeout a slow one keeps its lock (and the deploy) hanging.',
  fix: "Bound it, sized for the table:\n   SET statement_timeout = '15min';\n   {{statement}}",
  references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT'],
  examples: {
    invalid: [{ sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;', messageIds: ['missingStatementTimeout'] }],
    valid: [
      { sql: "SET statement_timeout = '15min';\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;", why: 'bounded' },
      { sql: 'ALTER TABLE orders ADD COLUMN note text;', why: 'a catalog-only change is instant' },
    ],
  },
  statement({ statement, state, isNewTable, report }) {
    if (state.statementTimeout || !isLong(statement.node)) return;
    const tables = statementLock(statement.node).tables.filter((t) => !isNewTable(t));
    if (tables.length === 0) return;
    report({ messageId: 'missingStatementTimeout', data: { table: tables.join(', '), statement: statement.text.trim() }, tables });
  },
});
