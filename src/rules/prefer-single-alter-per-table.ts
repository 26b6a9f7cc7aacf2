import { ALTER_TABLE_KINDS, alterTableCommands } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'prefer-single-alter-per-table',
  severity: 'warning',
  category: 'locking',
  summary: 'Several ALTER TABLE statements on one table: combine them',
  lock: null,
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { combine: '{{table}} is altered again in the same transaction; combine the ALTER TABLE statements into one.' },
  why: 'Every ALTER TABLE re-checks and may re-scan or rewrite the table; one statement with comma-separated sub-commands does the work in one pass.',
  fix: 'Combine them into one statement, one lock and one pass over the table: ALTER TABLE {{table|relation}} <first change>, <second change>',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES'],
  examples: {
    invalid: [{ sql: 'BEGIN;\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;\nCOMMIT;', messageIds: ['combine'] }],
    valid: [
      { sql: 'ALTER TABLE users ADD COLUMN a text, ADD COLUMN b text;' },
      { sql: 'ALTER TABLE users ADD COLUMN a text;\nALTER TABLE users ADD COLUMN b text;', why: 'golang-migrate: no transaction, each statement commits on its own' },
    ],
  },
  statement({ statement, state, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || isNewTable(alter.table)) return;
    if (state.alteredTables.has(alter.table)) {
      report({ messageId: 'combine', data: { table: alter.table }, tables: [alter.table] });
    }
  },
});
