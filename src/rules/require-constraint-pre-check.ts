/**
 * ## What it does
 * On statements whose success depends on the data already in an existing table (a unique
 * index or constraint, a primary key, SET NOT NULL or a NOT NULL constraint, a validated CHECK
 * or foreign key), prints
 * the query that finds the rows that would make it fail, to run before deploying.
 *
 * ## Why is this bad?
 * A duplicate, a NULL or an orphan row fails the statement at deploy time, often after a long
 * scan, and the whole migration rolls back (a failed CREATE INDEX CONCURRENTLY leaves an
 * INVALID index behind).
 */
import type { Constraint, IndexElem, IndexStmt, Node, RangeVar } from '@pgsql/types';
import { alterTableCommands, nodeAs, relationName, stringList } from '../core/ast.js';
import type { Statement } from '../core/parse.js';
import { defineRule } from '../core/rule.js';
import { indexDroppedBefore } from './support/index-rebuild.js';
import { hasValidatedNotNullCheck } from './support/locking-ast.js';
import { holdsOnlyNulls } from './support/null-columns.js';
import { quoteIdent, quoteRelation } from '../core/sql-names.js';
import { checkExpressionAt, reparse } from './support/sql-source.js';

export default defineRule({
  id: 'require-constraint-pre-check',
  // NOTE: a warning (issue #17), demoted to a notice on a statement that another rule already
  // reports as an error: that finding's fix replaces the statement, and on the corpus all 122
  // pre-checks fell on such statements (CORPUS.md, section 5), where a warning only repeats it.
  severity: 'warning',
  category: 'advice',
  summary: 'Constraints that existing rows may violate: run the pre-check query before deploying',
  lock: null,
  rewrites: false,
  statementKinds: ['IndexStmt', 'AlterTableStmt'],
  afterRules: true,
  messages: {
    duplicates: '{{what}} on {{table}} fails if existing rows have duplicate ({{columns}}); check first: {{query}}',
    nulls: '{{what}} on {{table}} fails if {{columns}} has NULLs; check first: {{query}}',
    violations: '{{what}} on {{table}} fails if an existing row violates it; check first: {{query}}',
    orphans: '{{what}} on {{table}} fails if a row references a missing {{referenced}} row; check first: {{query}}',
  },
  why: 'The statement checks every existing row. One bad row makes it fail at deploy time, after it has scanned the table (and, for CREATE INDEX CONCURRENTLY, leaves an INVALID index to drop).',
  fix: 'Run the query in the message against production data; fix or delete the rows it returns before deploying.',
  versions: 'UNIQUE ... NULLS NOT DISTINCT (Postgres 15+) counts NULL keys as duplicates; the query then includes them. ADD CONSTRAINT ... NOT NULL column is Postgres 18+.',
  references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY', 'https://www.postgresql.org/docs/current/sql-altertable.html'],
  examples: {
    invalid: [
      {
        sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
        messages: ['CREATE UNIQUE INDEX on users fails if existing rows have duplicate (email); check first: SELECT email, count(*) FROM users WHERE email IS NOT NULL GROUP BY email HAVING count(*) > 1 LIMIT 10;'],
      },
      {
        sql: 'DROP INDEX IF EXISTS users_tenant_email_key;\nCREATE UNIQUE INDEX users_tenant_email_key ON users (tenant_id, email);',
        why: 'only a concurrent build after the drop is its own check; a plain one blocks writes while it scans',
        messages: ['CREATE UNIQUE INDEX on users fails if existing rows have duplicate (tenant_id, email); check first: SELECT tenant_id, email, count(*) FROM users WHERE tenant_id IS NOT NULL AND email IS NOT NULL GROUP BY tenant_id, email HAVING count(*) > 1 LIMIT 10;'],
      },
      { sql: 'ALTER TABLE users ALTER COLUMN "Name" SET NOT NULL;', messages: ['SET NOT NULL on users fails if Name has NULLs; check first: SELECT count(*) FROM users WHERE "Name" IS NULL;'] },
      {
        sql: 'ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email;',
        postgresVersion: 18,
        why: 'a NOT NULL table constraint (Postgres 18+) checks every row as SET NOT NULL does',
        messages: ['ADD NOT NULL on users fails if email has NULLs; check first: SELECT count(*) FROM users WHERE email IS NULL;'],
      },
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);', messages: ['ADD CHECK on orders fails if an existing row violates it; check first: SELECT count(*) FROM orders WHERE NOT (total >= 0);'] },
      {
        sql: "ALTER TABLE orders ADD COLUMN discount numeric, ADD CONSTRAINT orders_total_positive CHECK (total >= 0), ADD CONSTRAINT orders_ref_format CHECK (ref ~ '^[A-Z]+-[0-9]+$');",
        why: 'each CHECK of the statement gets its own query',
        messages: [
          'ADD CHECK on orders fails if an existing row violates it; check first: SELECT count(*) FROM orders WHERE NOT (total >= 0);',
          "ADD CHECK on orders fails if an existing row violates it; check first: SELECT count(*) FROM orders WHERE NOT (ref ~ '^[A-Z]+-[0-9]+$');",
        ],
      },
      { sql: 'ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id), ADD CHECK (total >= 0);', why: 'unnamed constraints: one query each', messageIds: ['orphans', 'violations'] },
      {
        sql: 'ALTER TABLE users ADD CONSTRAINT users_tenant_email_key UNIQUE (tenant_id, email);',
        messages: ['ADD UNIQUE on users fails if existing rows have duplicate (tenant_id, email); check first: SELECT tenant_id, email, count(*) FROM users WHERE tenant_id IS NOT NULL AND email IS NOT NULL GROUP BY tenant_id, email HAVING count(*) > 1 LIMIT 10;'],
      },
      {
        sql: 'ALTER TABLE users ADD COLUMN handle text;\nALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE NULLS NOT DISTINCT (handle);',
        postgresVersion: 15,
        why: 'NULLS NOT DISTINCT: the NULLs of the new column are duplicates, and the query counts them',
        messages: ['ADD UNIQUE on users fails if existing rows have duplicate (handle); check first: SELECT handle, count(*) FROM users GROUP BY handle HAVING count(*) > 1 LIMIT 10;'],
      },
      {
        sql: 'ALTER TABLE order_items ADD COLUMN line_no integer;\nALTER TABLE order_items ADD PRIMARY KEY (order_id, line_no);',
        why: 'a primary key takes no NULL: the new column fails it unless it is filled first',
        messages: [
          'ADD PRIMARY KEY on order_items fails if existing rows have duplicate (order_id, line_no); check first: SELECT order_id, line_no, count(*) FROM order_items GROUP BY order_id, line_no HAVING count(*) > 1 LIMIT 10;',
          'ADD PRIMARY KEY on order_items fails if order_id, line_no has NULLs; check first: SELECT count(*) FROM order_items WHERE order_id IS NULL OR line_no IS NULL;',
        ],
      },
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);', messageIds: ['orphans'] },
      {
        sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) MATCH FULL;',
        why: 'MATCH FULL on one column: a NULL key passes, as with MATCH SIMPLE',
        messages: ['ADD FOREIGN KEY on orders fails if a row references a missing users row; check first: SELECT count(*) FROM orders c WHERE (c.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users p WHERE p.id = c.user_id));'],
      },
      {
        sql: "ALTER TABLE users ADD COLUMN handle text;\nUPDATE users SET handle = lower(email) WHERE id < 1000;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);",
        why: 'the new column was backfilled: its values may repeat',
        messageIds: ['duplicates'],
      },
      {
        sql: 'ALTER TABLE users ADD COLUMN handle text;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle) NULLS NOT DISTINCT;',
        postgresVersion: 15,
        why: 'NULLS NOT DISTINCT: the NULLs of the new column are duplicates',
        messageIds: ['duplicates'],
      },
      {
        sql: 'ALTER TABLE users ADD COLUMN handle text;\nINSERT INTO users SELECT * FROM staged_users;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);',
        why: 'an INSERT without a column list may have filled the new column',
        messageIds: ['duplicates'],
      },
      {
        sql: "ALTER TABLE users ADD COLUMN handle text DEFAULT 'none', ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);\nCREATE UNIQUE INDEX CONCURRENTLY users_n_key ON users (n);",
        why: 'a column added with a default or as an identity is filled at once',
        messageIds: ['duplicates', 'duplicates'],
      },
      {
        sql: "ALTER TABLE users ADD COLUMN handle text, ADD COLUMN code text;\nALTER TABLE users ALTER COLUMN handle SET DEFAULT 'none';\nINSERT INTO users (id, code) VALUES (1, 'x');\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);\nCREATE UNIQUE INDEX CONCURRENTLY users_code_key ON users (code);",
        why: 'a default set afterwards fills the rows written since, and an INSERT may write the column it names',
        messageIds: ['duplicates', 'duplicates'],
      },
    ],
    valid: [
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'not unique' },
      { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;', why: 'NOT VALID checks only new rows' },
      { sql: 'CREATE TABLE invites (code text);\nCREATE UNIQUE INDEX invites_code_key ON invites (code);', why: 'the table is new and empty' },
      {
        sql: 'ALTER TABLE users ADD COLUMN handle text;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);',
        why: 'a column the change adds without a default holds only NULLs, and NULLs are distinct: no duplicate (Atlas MF101)',
      },
      {
        sql: 'ALTER TABLE users ADD COLUMN handle text;\nCREATE UNIQUE INDEX CONCURRENTLY users_email_handle_key ON users (email, handle);',
        why: 'a key with a column that holds only NULLs never repeats, whatever its other columns hold',
      },
      {
        files: [
          { path: 'migrations/001_handle.up.sql', text: 'ALTER TABLE users ADD COLUMN handle text;' },
          { path: 'migrations/002_handle_key.up.sql', text: 'ALTER TABLE users ADD CONSTRAINT users_handle_key UNIQUE (handle, email);' },
        ],
        why: 'also from an earlier file of the change, and for a key that includes the new column',
      },
      {
        sql: 'DROP INDEX CONCURRENTLY IF EXISTS users_email_key;\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
        why: 'a rerunnable concurrent build is its own check: a duplicate fails it without blocking anyone, and the rerun drops the INVALID leftover',
      },
      {
        sql: "ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;",
        why: 'SET NOT NULL after a validated CHECK (email IS NOT NULL) cannot fail: the validation was the check',
      },
      {
        sql: "ALTER TABLE users ADD COLUMN handle text;\nINSERT INTO users (id, email) VALUES (1, 'a@example.com');\nUPDATE users SET email = lower(email);\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);",
        why: 'an INSERT and an UPDATE that name other columns leave the new one NULL',
      },
    ],
  },
  statement({ statement, file, changeSet, isNewTable, findingsOn, report: reportWarning }) {
    // NOTE: findingsOn runs before ignore comments apply: an error suppressed with a reason still demotes the pre-check (a known limit).
    const claimed = findingsOn(statement).some((other) => other.severity === 'error');
    const report: typeof reportWarning = (descriptor) => reportWarning(claimed ? { ...descriptor, severity: 'notice' } : descriptor);
    const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
    if (index) {
      const columns = plainColumns(index.indexParams);
      if (!index.unique || index.whereClause || !columns || isNewTable(relationName(index.relation))) return;
      // NOTE: a concurrent build after a DROP INDEX CONCURRENTLY IF EXISTS of its leftover is
      // the check itself, run safely: duplicates fail it under SHARE UPDATE EXCLUSIVE (reads
      // and writes go on) and the rerun, once the rows are fixed, drops the INVALID index.
      if (index.concurrent && index.idxname && indexDroppedBefore(changeSet, file, statement, index.idxname)) return;
      const table = relationName(index.relation);
      if (!index.nulls_not_distinct && columns.some((c) => holdsOnlyNulls(changeSet, file, statement, table, c))) return;
      report({ messageId: 'duplicates', data: { what: 'CREATE UNIQUE INDEX', table, columns: columns.join(', '), query: duplicatesQuery(index.relation, columns, !!index.nulls_not_distinct) }, tables: [table] });
      return;
    }
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    const table = alter.table;
    // NOTE: a validated CHECK (col IS NOT NULL) already proved there is no NULL: making the column NOT NULL cannot fail.
    const reportNulls = (what: string, column: string) => {
      if (!hasValidatedNotNullCheck(changeSet, file, statement, table, column)) report({ messageId: 'nulls', data: { what, table, columns: column, query: nullsQuery(alter.relation, [column]) }, tables: [table] });
    };
    for (const command of alter.commands) {
      if (command.subtype === 'AT_SetNotNull' && command.name) reportNulls('SET NOT NULL', command.name);
      const constraint = command.subtype === 'AT_AddConstraint' ? nodeAs<Constraint>(command.def, 'Constraint') : undefined;
      if (!constraint || constraint.skip_validation || constraint.indexname) continue;
      const keys = stringList(constraint.keys);
      // NOTE: Postgres 18's table constraint `NOT NULL column` checks every row as SET NOT NULL
      // does (unless NOT VALID, skipped above): https://www.postgresql.org/docs/18/sql-altertable.html
      if (constraint.contype === 'CONSTR_NOTNULL' && keys[0]) reportNulls('ADD NOT NULL', keys[0]);
      // NOTE: NULLs are distinct by default: a key with a column that holds only NULLs has no duplicate (a primary key's NULLs are the nulls query's).
      const cannotDuplicate = constraint.contype === 'CONSTR_UNIQUE' && !constraint.nulls_not_distinct && keys.some((c) => holdsOnlyNulls(changeSet, file, statement, table, c));
      if ((constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') && keys.length && !cannotDuplicate) {
        const what = constraint.contype === 'CONSTR_PRIMARY' ? 'ADD PRIMARY KEY' : 'ADD UNIQUE';
        report({ messageId: 'duplicates', data: { what, table, columns: keys.join(', '), query: duplicatesQuery(alter.relation, keys, !!constraint.nulls_not_distinct || constraint.contype === 'CONSTR_PRIMARY') }, tables: [table] });
        if (constraint.contype === 'CONSTR_PRIMARY') report({ messageId: 'nulls', data: { what, table, columns: keys.join(', '), query: nullsQuery(alter.relation, keys) }, tables: [table] });
      }
      if (constraint.contype === 'CONSTR_CHECK') {
        const expression = checkText(statement, constraint);
        if (expression) report({ messageId: 'violations', data: { what: 'ADD CHECK', table, query: `SELECT count(*) FROM ${quoteRelation(alter.relation)} WHERE NOT ${expression};` }, tables: [table] });
      }
      const referencing = stringList(constraint.fk_attrs);
      const referenced = stringList(constraint.pk_attrs);
      if (constraint.contype === 'CONSTR_FOREIGN' && referencing.length && referencing.length === referenced.length) {
        const join = referencing.map((c, i) => `p.${quoteIdent(referenced[i]!)} = c.${quoteIdent(c)}`).join(' AND ');
        const present = referencing.map((c) => `c.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
        // NOTE: MATCH FULL also rejects a key that is NULL in some columns but not all (MATCH SIMPLE lets any NULL pass).
        const partlyNull = constraint.fk_matchtype === 'f' && referencing.length > 1 ? ` OR num_nulls(${referencing.map((c) => `c.${quoteIdent(c)}`).join(', ')}) BETWEEN 1 AND ${referencing.length - 1}` : '';
        const query = `SELECT count(*) FROM ${quoteRelation(alter.relation)} c WHERE (${present} AND NOT EXISTS (SELECT 1 FROM ${quoteRelation(constraint.pktable)} p WHERE ${join}))${partlyNull};`;
        report({ messageId: 'orphans', data: { what: 'ADD FOREIGN KEY', table, referenced: relationName(constraint.pktable), query }, tables: [table] });
      }
    }
  },
});

function plainColumns(params: Node[] | undefined): string[] | undefined {
  const columns = (params ?? []).map((p) => nodeAs<IndexElem>(p, 'IndexElem')?.name);
  return columns.every((c): c is string => !!c) ? columns : undefined;
}

/**
 * Rows that share a key. NULLs are distinct in a default unique index, so rows with a NULL
 * key are left out; with NULLS NOT DISTINCT (15+) they count, and GROUP BY groups them as equal.
 */
function duplicatesQuery(relation: RangeVar | undefined, columns: readonly string[], nullsEqual: boolean): string {
  const list = columns.map(quoteIdent).join(', ');
  const present = nullsEqual ? '' : ` WHERE ${columns.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ')}`;
  return `SELECT ${list}, count(*) FROM ${quoteRelation(relation)}${present} GROUP BY ${list} HAVING count(*) > 1 LIMIT 10;`;
}

function nullsQuery(relation: RangeVar | undefined, columns: readonly string[]): string {
  return `SELECT count(*) FROM ${quoteRelation(relation)} WHERE ${columns.map((c) => `${quoteIdent(c)} IS NULL`).join(' OR ')};`;
}

/** The CHECK's parenthesised expression as written (the constraint's location points at CONSTRAINT or CHECK). */
function checkText(statement: Statement, constraint: Constraint): string | undefined {
  const reparsed = reparse(statement.text);
  const alter = reparsed ? alterTableCommands(reparsed.node) : undefined;
  const own = alter?.commands.map((c) => nodeAs<Constraint>(c.def, 'Constraint')).find((c) => c?.contype === 'CONSTR_CHECK' && c.conname === constraint.conname);
  if (!reparsed || own?.location === undefined) return undefined;
  return checkExpressionAt(reparsed.text, reparsed.offset(own.location));
}
