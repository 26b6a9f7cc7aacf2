import type { RangeVar, TruncateStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-truncate-cascade',
  severity: 'error',
  category: 'breaking',
  summary: 'TRUNCATE CASCADE silently empties every referencing table too',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ['TruncateStmt'],
  messages: { truncateCascade: 'TRUNCATE {{table}} CASCADE also empties every table whose foreign keys reference it, recursively.' },
  why: 'CASCADE truncates all tables with foreign keys to the named ones, and their referencing tables in turn, under ACCESS EXCLUSIVE locks; the data loss reaches far beyond the statement.',
  fix: 'Name every table to empty explicitly (TRUNCATE {{table}}, <referencing tables>;) after checking which tables reference {{table}}, or delete the rows in batches.',
  references: ['https://www.postgresql.org/docs/current/sql-truncate.html'],
  examples: {
    invalid: [{ sql: 'TRUNCATE users CASCADE;', messageIds: ['truncateCascade'] }, { sql: 'TRUNCATE TABLE a, b RESTART IDENTITY CASCADE;', messages: ['TRUNCATE a, b CASCADE also empties every table whose foreign keys reference it, recursively.'] }],
    valid: [{ sql: 'TRUNCATE users;', why: 'fails if other tables reference it, instead of emptying them (ban-delete-data still judges it)' }, { sql: 'TRUNCATE users RESTRICT;' }],
  },
  statement({ statement, report }) {
    const truncate = nodeAs<TruncateStmt>(statement.node, 'TruncateStmt');
    if (truncate?.behavior !== 'DROP_CASCADE') return;
    const tables = (truncate.relations ?? []).map((r) => relationName(nodeAs<RangeVar>(r, 'RangeVar')));
    report({ messageId: 'truncateCascade', data: { table: tables.join(', ') }, tables });
  },
});
