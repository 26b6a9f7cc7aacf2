import { ALTER_TABLE_KINDS, alterTableCommands } from '../core/ast.js';
import { alterTableReadsEveryRow } from '../core/statement-locks.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'prefer-single-alter-per-table',
  severity: 'warning',
  category: 'locking',
  summary: 'Several ALTER TABLE statements that each read a whole table: combine them into one pass',
  lock: null,
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { combine: '{{table}} is read in full again (a rewrite or a verifying scan) in the same transaction; combine the ALTER TABLE statements into one pass.' },
  why: 'Postgres rewrites or scans a table once per ALTER TABLE statement; two such statements read every row twice while the transaction holds ACCESS EXCLUSIVE, where one statement with comma-separated sub-commands does it in one pass. Catalog-only changes (a nullable column, a default, a NOT VALID constraint) and VALIDATE CONSTRAINT (which runs under a weaker lock) are left alone: combining them saves nothing.',
  fix: 'Combine them into one statement, one lock and one pass over the table: ALTER TABLE {{table|relation}} <first change>, <second change>',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES'],
  examples: {
    invalid: [
      { sql: 'BEGIN;\nALTER TABLE users ALTER COLUMN id TYPE bigint;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nCOMMIT;', messageIds: ['combine'] },
      {
        sql: 'ALTER TABLE users SET LOGGED;\nALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0);',
        messageIds: ['combine'],
        why: 'golang-migrate sends the file as one query: Postgres runs its statements in one implicit transaction',
      },
    ],
    valid: [
      { sql: 'ALTER TABLE users ALTER COLUMN id TYPE bigint, ALTER COLUMN email SET NOT NULL;' },
      { sql: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;', why: 'catalog-only changes: no row is read, and the transaction already holds the lock' },
      {
        sql: 'ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;',
        why: 'VALIDATE scans under SHARE UPDATE EXCLUSIVE; the validated CHECK then spares SET NOT NULL its scan',
      },
      { sql: 'BEGIN;\nALTER TABLE users ALTER COLUMN id TYPE bigint;\nCOMMIT;\nBEGIN;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;\nCOMMIT;', why: 'separate transactions' },
    ],
  },
  statement({ statement, state, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    if (state.tablesReadInFull.has(alter.table) && alterTableReadsEveryRow(statement.node)) {
      report({ messageId: 'combine', data: { table: alter.table }, tables: [alter.table] });
    }
  },
});
