import type { AlterTableCmd, Constraint, IndexStmt, Node } from '@pgsql/types';
import { alterTableCommands, nodeAs, nodeType, relationName } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { defineRule, type StatementContext } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';
import { tableBefore } from './support/table-facts.js';
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

/**
 * Whether the statement is `CREATE INDEX ... ON ONLY` a table the migrations made partitioned.
 * NOTE: Postgres then creates an invalid index on the parent alone, from the catalog: nothing
 * is scanned (the partitioned-table recipe's first step). On a plain table ONLY changes
 * nothing and the index is built, so an unknown table stays long.
 */
function isParentOnlyIndex(statement: Statement, { changeSet, file }: Pick<StatementContext<string>, 'changeSet' | 'file'>): boolean {
  const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
  return !!index?.relation && index.relation.inh !== true && tableBefore(changeSet, file, statement, relationName(index.relation)).partitioned;
}

/** The existing tables a long statement works on (new ones are empty: nothing is long). */
function longOn(statement: Statement, context: Pick<StatementContext<string>, 'isNewTable' | 'changeSet' | 'file'>): string[] {
  if (!isLong(statement.node) || isParentOnlyIndex(statement, context)) return [];
  return statementLock(statement.node).tables.filter((t) => !context.isNewTable(t));
}

const reportedEarlier = scopeTracker();

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
      { sql: 'CREATE INDEX orders_user_id_idx ON ONLY orders (user_id);', why: 'ON ONLY a table not known to be partitioned: a plain table still builds the index', messageIds: ['missingStatementTimeout'] },
      {
        files: [
          { path: 'migrations/20250101000000_measurements.up.sql', text: 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);', change: 'unchanged' },
          { path: 'migrations/20260101000000_index.up.sql', text: 'CREATE INDEX measurements_at_idx ON measurements (at);' },
        ],
        why: 'without ONLY, an index on a partitioned table is built on every partition',
        messageIds: ['missingStatementTimeout'],
      },
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);', why: 'a CHECK added without NOT VALID scans the table', messageIds: ['missingStatementTimeout'] },
      { sql: 'ALTER TABLE orders ADD COLUMN note text, ALTER COLUMN total SET NOT NULL;', why: 'one long sub-command makes the whole ALTER TABLE long', messageIds: ['missingStatementTimeout'] },
      { sql: 'UPDATE orders SET total = 0 WHERE total IS NULL;', why: 'a backfill runs as long as the table is big', messageIds: ['missingStatementTimeout'] },
      { sql: 'REINDEX TABLE orders;', why: 'REINDEX without CONCURRENTLY blocks the table while it rebuilds', messageIds: ['missingStatementTimeout'] },
      {
        sql: 'BEGIN;\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;\nCOMMIT;',
        why: 'in a transaction block the setting must come inside it',
        messages: ['No statement_timeout is set before this long-running operation on orders. One setting covers the whole transaction block.'],
      },
      {
        sql: 'BEGIN;\nCREATE INDEX users_email_idx ON users (email);\nCOMMIT;\nCREATE TABLE drafts (id bigint, author_id bigint);\nBEGIN;\nCREATE INDEX drafts_author_id_idx ON drafts (author_id);\nCREATE INDEX orders_user_id_idx ON orders (user_id);\nCOMMIT;',
        why: 'the second block needs its own setting: its first index is on a new, empty table, so the finding sits on the next one',
        messages: [
          'No statement_timeout is set before this long-running operation on users. One setting covers the whole transaction block.',
          'No statement_timeout is set before this long-running operation on orders. One setting covers the whole transaction block.',
        ],
      },
    ],
    valid: [
      { sql: "SET statement_timeout = '15min';\nALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;", why: 'bounded' },
      { sql: 'ALTER TABLE orders ADD COLUMN note text;', why: 'a catalog-only change is instant' },
      { sql: 'CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);', why: 'a concurrent build blocks neither reads nor writes' },
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;', why: 'NOT VALID skips the scan' },
      { sql: 'CREATE TABLE orders_archive (id bigint, total numeric);\nCREATE INDEX orders_archive_total_idx ON orders_archive (total);', why: 'the table is new and empty' },
      { sql: 'REINDEX TABLE CONCURRENTLY orders;', why: 'a concurrent rebuild blocks neither reads nor writes' },
      {
        files: [
          { path: 'migrations/20260101000000_measurements.up.sql', text: 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);', change: 'unchanged' },
          { path: 'migrations/20260101000001_index.up.sql', text: 'CREATE INDEX measurements_at_idx ON ONLY measurements (at);' },
        ],
        why: 'an index ON ONLY a partitioned parent is created from the catalog, without a scan',
      },
    ],
  },
  statement(context) {
    const { statement, state, report } = context;
    const tables = longOn(statement, context);
    // NOTE: asked at every statement, the setting set or not: the tracker records the statements that need it as they come.
    if (reportedEarlier(context, tables.length > 0) || state.statementTimeout || tables.length === 0) return;
    const scope = state.transaction === 'explicit' ? 'transaction block' : 'file';
    report({ messageId: 'missingStatementTimeout', data: { target: describeLocked(statement.node, tables), scope }, tables });
  },
});
