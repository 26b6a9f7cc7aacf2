import type { AlterTableCmd, Constraint, IndexStmt, Node } from '@pgsql/types';
import { alterTableCommands, nodeAs, nodeType } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { defineRule, type StatementContext } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';
import { describeLocked, scopeTracker } from './support/timeouts.js';

/** Statement kinds that scan or rewrite a whole table while holding a lock. */
const LONG_KINDS = new Set(['IndexStmt', 'UpdateStmt', 'DeleteStmt', 'ClusterStmt', 'ReindexStmt', 'RefreshMatViewStmt']);
/** ALTER TABLE sub-commands that scan or rewrite the table (AT_AddConstraint: see isLongAlter). */
const LONG_ALTERS = new Set(['AT_ValidateConstraint', 'AT_AlterColumnType', 'AT_SetNotNull', 'AT_AddConstraint']);

/**
 * NOTE: ADD CONSTRAINT ... NOT VALID skips the scan, and ADD ... USING INDEX attaches an index
 * already built: neither is long (they are the recipes other rules suggest).
 */
function isLongAlter(command: AlterTableCmd): boolean {
  if (!LONG_ALTERS.has(command.subtype ?? '')) return false;
  if (command.subtype !== 'AT_AddConstraint') return true;
  const constraint = nodeAs<Constraint>(command.def, 'Constraint');
  return !constraint?.skip_validation && !constraint?.indexname;
}

/**
 * Whether the statement holds a lock that blocks others for as long as it runs.
 * NOTE: CONCURRENTLY builds (CREATE INDEX, REINDEX) block neither reads nor writes, and a
 * timeout would only leave an INVALID index behind: they are not bounded (our own fix for
 * require-concurrent-index-creation must not earn this warning).
 */
function isLong(node: Node): boolean {
  const kind = nodeType(node) ?? '';
  if (kind === 'IndexStmt') return !nodeAs<IndexStmt>(node, 'IndexStmt')?.concurrent;
  if (kind === 'ReindexStmt') return statementLock(node).lock?.mode === 'ACCESS EXCLUSIVE';
  if (LONG_KINDS.has(kind)) return true;
  return alterTableCommands(node)?.commands.some(isLongAlter) ?? false;
}

/** The existing tables a long statement works on (new ones are empty: nothing is long). */
function longOn(statement: Statement, { isNewTable }: Pick<StatementContext<string>, 'isNewTable'>): string[] {
  return isLong(statement.node) ? statementLock(statement.node).tables.filter((t) => !isNewTable(t)) : [];
}

const reportedEarlier = scopeTracker((statement, context) => longOn(statement, context).length > 0);

export default defineRule({
  id: 'require-statement-timeout',
  severity: 'warning',
  category: 'locking',
  summary: 'Long operations should run with a statement_timeout',
  lock: null,
  rewrites: false,
  messages: { missingStatementTimeout: 'No statement_timeout is set before this long-running operation on {{target}}. One setting covers the whole {{scope}}.' },
  why: 'Scans, rewrites, index builds and backfills run as long as the data requires; without a statement_timeout a slow one keeps its lock (and the deploy) hanging.',
  fix: "Bound it once, before the first long statement of the {{scope}}, sized for the table:\n   SET statement_timeout = '15min';",
  references: ['https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-STATEMENT-TIMEOUT'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;', messageIds: ['missingStatementTimeout'] },
      { sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;', why: 'one finding for the file', messageIds: ['missingStatementTimeout'] },
    ],
    valid: [
      { sql: "SET statement_timeout = '15min';\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;", why: 'bounded' },
      { sql: 'ALTER TABLE orders ADD COLUMN note text;', why: 'a catalog-only change is instant' },
      { sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);', why: 'a concurrent build blocks neither reads nor writes' },
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;', why: 'NOT VALID skips the scan' },
    ],
  },
  statement(context) {
    const { statement, state, report } = context;
    if (state.statementTimeout) return;
    const tables = longOn(statement, context);
    if (tables.length === 0 || reportedEarlier(context)) return;
    const scope = state.transaction === 'explicit' ? 'transaction block' : 'file';
    report({ messageId: 'missingStatementTimeout', data: { target: describeLocked(statement.node, tables), scope }, tables });
  },
});
