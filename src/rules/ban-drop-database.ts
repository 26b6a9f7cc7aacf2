import type { DropdbStmt } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-drop-database',
  severity: 'error',
  category: 'breaking',
  summary: 'Dropping a database destroys all of its data',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ['DropdbStmt'],
  messages: { dropDatabase: 'Dropping database {{database}} destroys all of its data and breaks every service using it.' },
  why: 'All data is lost and every connected service fails; this belongs in an operator runbook, not in an application migration.',
  fix: 'Remove DROP DATABASE {{database}} from the migration; decommission databases by hand, after a backup, once nothing connects to them.',
  references: ['https://www.postgresql.org/docs/current/sql-dropdatabase.html'],
  examples: {
    invalid: [{ sql: 'DROP DATABASE analytics;', messageIds: ['dropDatabase'] }, { sql: 'DROP DATABASE IF EXISTS staging WITH (FORCE);', messageIds: ['dropDatabase'] }],
    valid: [{ sql: 'DROP TABLE IF EXISTS tmp;\n', why: 'not a database (other rules judge DROP TABLE)' }, { sql: 'CREATE TABLE t (id bigint);' }],
  },
  statement({ statement, report }) {
    const drop = nodeAs<DropdbStmt>(statement.node, 'DropdbStmt');
    if (drop) report({ messageId: 'dropDatabase', data: { database: drop.dbname ?? '?' } });
  },
});
