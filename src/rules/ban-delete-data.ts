import type { DeleteStmt, RangeVar, TruncateStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { FIX_PHASE_MARKERS } from '../core/fix-phases.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-delete-data',
  severity: 'error',
  category: 'breaking',
  summary: 'DELETE or TRUNCATE in a migration destroys data running code may rely on',
  lock: null,
  rewrites: false,
  statementKinds: ['DeleteStmt', 'TruncateStmt'],
  messages: {
    delete: 'DELETE FROM {{table}} destroys rows that running services may still read; it cannot be rolled back.',
    truncate: 'TRUNCATE {{table}} destroys every row and takes an ACCESS EXCLUSIVE lock; it cannot be rolled back.',
  },
  why: 'Deleted data is gone for running code and for the rollback. TRUNCATE also takes an ACCESS EXCLUSIVE lock that blocks reads and writes of the table.',
  fix: [
    '1. Stop the code paths that read the rows in {{table}} first.',
    '2. Copy what may be needed (CREATE TABLE {{archive|relation}} AS SELECT ... ) so a rollback can restore it.',
    `3. ${FIX_PHASE_MARKERS['background-job']} Delete in small batches, each in its own transaction, e.g.`,
    '   DELETE FROM {{table|relation}} WHERE id IN (SELECT id FROM {{table|relation}} WHERE <condition> LIMIT 1000);',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-delete.html', 'https://www.postgresql.org/docs/current/sql-truncate.html'],
  examples: {
    invalid: [
      { sql: 'DELETE FROM sessions WHERE created_at < now() - interval \'90 days\';', messageIds: ['delete'] },
      { sql: 'TRUNCATE audit_log;', messageIds: ['truncate'] },
    ],
    valid: [
      { sql: 'CREATE TABLE import_rows (id bigint);\nINSERT INTO import_rows VALUES (1);\nDELETE FROM import_rows;', why: 'the table is new in this change' },
      { sql: 'CREATE TABLE import_batches (id bigint);\nTRUNCATE import_batches;', why: 'the table is new in this change' },
      { sql: "INSERT INTO settings (key, value) VALUES ('x', '1');" },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const del = nodeAs<DeleteStmt>(statement.node, 'DeleteStmt');
    if (del) {
      const table = relationName(del.relation);
      if (!isNewTable(table)) report({ messageId: 'delete', data: { table, archive: `${table}_archive` }, tables: [table] });
      return;
    }
    const truncate = nodeAs<TruncateStmt>(statement.node, 'TruncateStmt');
    for (const relation of truncate?.relations ?? []) {
      const table = relationName(nodeAs<RangeVar>(relation, 'RangeVar'));
      if (!isNewTable(table)) report({ messageId: 'truncate', data: { table, archive: `${table}_archive` }, tables: [table], lock: 'ACCESS EXCLUSIVE' });
    }
  },
});
