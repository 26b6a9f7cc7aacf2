import type { IntoClause, Node, RangeVar } from '@pgsql/types';
import { alterTableCommands, nodeAs, nodeType, relationKey, relationName, walk } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { statementLock } from '../core/statement-locks.js';
import { backfillTarget } from './support/backfill.js';

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
    invalid: [
      { sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE orders SET note = '' WHERE id = 1;\nCOMMIT;", messageIds: ['heldLock'] },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nSELECT count(*) FROM users;\nCOMMIT;', why: 'a read of the locked table (eugene E4): alone it would block nobody', messageIds: ['heldLock'] },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nSELECT o.id FROM orders o JOIN regions r ON r.id = o.id;\nCOMMIT;', why: 'a read of other tables', messageIds: ['heldLock'] },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE INDEX users_nickname_idx ON users (nickname);\nCOMMIT;', why: 'the build, which alone lets reads go on, runs under the held lock', messageIds: ['heldLock'] },
      { sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO order_archive SELECT * FROM orders WHERE created_at < '2020-01-01';\nCOMMIT;", why: 'INSERT ... SELECT copies rows', messageIds: ['heldLock'] },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCREATE TEMP TABLE nickname_counts AS SELECT nickname, count(*) FROM users GROUP BY nickname;\nCOMMIT;', why: 'the TEMP table is new, but its query reads the locked table', messageIds: ['heldLock'] },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note text, ADD CONSTRAINT orders_total_positive CHECK (total > 0);\nCOMMIT;', why: 'a validated CHECK scans every row of orders, though the other command is instant', messageIds: ['heldLock'] },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nWITH orders AS (SELECT id FROM billing.orders WHERE total > 100) SELECT count(*) FROM orders;\nCOMMIT;', why: 'the query reads the table billing.orders: a common table expression hides only the unqualified name', messageIds: ['heldLock'] },
    ],
    valid: [
      { sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nUPDATE orders SET note = '' WHERE id = 1;", why: 'the lock was released' },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD COLUMN note text;\nCOMMIT;', why: 'catalog-only DDL on another table is instant' },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMENT ON COLUMN users.nickname IS \'shown name\';\nCOMMIT;', why: 'catalog-only follow-ups are instant' },
      { sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nSELECT set_config('statement_timeout', '5s', true);\nCOMMIT;", why: 'a SELECT that reads no table is instant' },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nWITH recent AS (SELECT 1 AS id) SELECT count(*) FROM recent;\nCOMMIT;', why: 'a query of its own common table expression reads no table' },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total > 0) NOT VALID;\nCOMMIT;', why: 'a NOT VALID constraint scans no row' },
      { sql: 'BEGIN;\nCREATE TABLE drafts (id bigint);\nALTER TABLE users ADD COLUMN nickname text;\nSELECT count(*) FROM drafts;\nCOMMIT;', why: 'a new table is empty' },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ALTER COLUMN nickname TYPE varchar(40);\nCOMMIT;', why: 'a statement that itself locks the table ACCESS EXCLUSIVE blocks it anyway (its own rule judges it)' },
      { sql: "BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nINSERT INTO audit_log (event) VALUES ('users.nickname added');\nINSERT INTO audit_log DEFAULT VALUES;\nCOMMIT;", why: 'inserting a few rows is instant' },
      { sql: 'BEGIN;\nDROP TABLE IF EXISTS order_totals;\nCREATE TEMP TABLE order_totals AS SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;\nCOMMIT;', why: 'the dropped name is re-created as a TEMP table: a scratch table no other session uses' },
      { sql: 'BEGIN;\nDROP TABLE IF EXISTS order_totals;\nSELECT user_id, sum(total) AS total INTO TEMP order_totals FROM orders GROUP BY user_id;\nCOMMIT;', why: 'SELECT ... INTO TEMP re-creates the name as a TEMP table too' },
      { sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name;\nCOMMIT;', why: "a backfill of the locked table itself is ban-backfill-under-access-exclusive's finding" },
    ],
  },
  statement({ statement, state, isNewTable, report }) {
    if (state.accessExclusiveTables.size === 0) return;
    // NOTE: statements that touch no rows (SET, COMMENT, catalog-only DDL) are instant, and
    // new tables are empty: only work on the rows of an existing table holds the lock long
    // enough to matter.
    const worked = rowsWorkedOn(statement.node).filter((t) => !isNewTable(t));
    if (worked.length === 0) return;
    // NOTE: a backfill of a locked table is ban-backfill-under-access-exclusive's finding.
    const backfill = backfillTarget(statement.node);
    if (backfill && !isNewTable(backfill.table) && state.accessExclusiveTables.has(backfill.table)) return;
    const keys = new Set(worked.map(relationKey));
    const temporary = createdTemporaryTable(statement.node);
    const takesAccessExclusive = statementLock(statement.node).lock?.mode === 'ACCESS EXCLUSIVE';
    for (const table of state.accessExclusiveTables) {
      // NOTE: a name the statement re-creates as a TEMP table (DROP TABLE IF EXISTS x, then
      // CREATE TEMP TABLE x AS ...) is a session's scratch table: no other session uses it.
      if (isNewTable(table) || (temporary && relationKey(table) === relationKey(temporary))) continue;
      // NOTE: work on other tables keeps this one blocked. Work on the locked table alone keeps
      // it blocked only when the statement alone would not: one that takes ACCESS EXCLUSIVE on
      // it blocks it anyway (its own rule judges it).
      if (takesAccessExclusive && keys.size === 1 && keys.has(relationKey(table))) continue;
      report({ messageId: 'heldLock', data: { table }, tables: [table] });
      return;
    }
  },
});

/** The TEMP table a CREATE TEMP TABLE ... AS or SELECT ... INTO TEMP creates. */
function createdTemporaryTable(node: Node): string | undefined {
  const into = nodeAs<{ into?: IntoClause }>(node, 'CreateTableAsStmt')?.into ?? nodeAs<{ intoClause?: IntoClause }>(node, 'SelectStmt')?.intoClause;
  return into?.rel?.relpersistence === 't' ? relationName(into.rel) : undefined;
}

/**
 * The tables whose rows the statement reads or writes: a scanning statement's locked tables,
 * or the tables a query reads (SELECT, also inside INSERT ... SELECT and CREATE TABLE AS).
 * NOTE: a SELECT takes only ACCESS SHARE, which alone blocks nobody; under a held ACCESS
 * EXCLUSIVE lock its whole run keeps the locked table blocked (eugene E4).
 */
function rowsWorkedOn(node: Node): string[] {
  const scans = scansRows(node);
  const tables = scans ? [...statementLock(node).tables] : [];
  if (scans || nodeType(node) === 'SelectStmt') tables.push(...readTables(node));
  return tables;
}

/**
 * The tables a statement's queries read (FROM items), by name; common table expressions left out.
 * NOTE: a statement's own target (UPDATE's table, SELECT INTO's new table) is a bare RangeVar
 * payload in the tree, not a RangeVar node, so the walk does not meet it.
 */
function readTables(node: Node): string[] {
  const ctes = new Set<string>();
  const ranges: RangeVar[] = [];
  walk(node, (type, payload) => {
    if (type === 'CommonTableExpr' && typeof payload.ctename === 'string') ctes.add(payload.ctename);
    if (type === 'RangeVar') ranges.push(payload as RangeVar);
  });
  return ranges.filter((r) => !(r.schemaname === undefined && ctes.has(r.relname ?? ''))).map(relationName);
}

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
