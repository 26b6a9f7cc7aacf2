import type { IndexStmt } from '@pgsql/types';
import { nodeAs } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { dropTargets } from './support/breaking-ast.js';
import { indexDroppedBefore, REBUILD_FIX, rebuildStatement } from './support/index-rebuild.js';
import { quoteQualified } from '../core/sql-names.js';

export default defineRule({
  id: 'prefer-robust-statements',
  severity: 'warning',
  category: 'advice',
  summary: 'Concurrent index statements should be safe to rerun after a failure',
  lock: null,
  rewrites: false,
  statementKinds: ['DropStmt', 'IndexStmt'],
  messages: {
    createIndex: 'CREATE INDEX CONCURRENTLY {{index}} cannot be rerun after a failure: the leftover invalid index makes it fail with "already exists".',
    dropIndex: 'DROP INDEX CONCURRENTLY {{index}} without IF EXISTS fails when rerun after a partial migration.',
  },
  why: 'CONCURRENTLY cannot run in a transaction, so nothing rolls back a failure: a failed build leaves an INVALID index behind, and a rerun of the migration stops at the first statement that is not idempotent.',
  fix: REBUILD_FIX,
  references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY', 'https://squawkhq.com/docs/prefer-robust-stmts'],
  examples: {
    invalid: [
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', messageIds: ['createIndex'] },
      { sql: 'DROP INDEX CONCURRENTLY users_email_idx;', messageIds: ['dropIndex'] },
    ],
    valid: [
      { sql: 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'the documented rerunnable form' },
      { sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);' },
      { sql: 'CREATE INDEX users_email_idx ON users (email);', why: 'a plain index build is transactional (other rules judge its lock)' },
      {
        files: [
          { path: 'migrations/001_drop_leftover.up.sql', text: 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;' },
          { path: 'migrations/002_index.up.sql', text: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);' },
        ],
        why: 'golang-migrate sends a file as one statement: the drop is the migration before',
      },
    ],
  },
  statement({ statement, file, changeSet, report }) {
    const drop = dropTargets(statement.node, 'OBJECT_INDEX');
    if (drop?.concurrent && !drop.missingOk) {
      for (const index of drop.names) report({ messageId: 'dropIndex', data: { index }, fix: `Add IF EXISTS, so that a rerun after a partial migration goes on:\n   DROP INDEX CONCURRENTLY IF EXISTS ${quoteQualified(index)};` });
      return;
    }
    const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
    if (!index?.concurrent || index.if_not_exists || !index.idxname) return;
    if (!indexDroppedBefore(changeSet, file, statement, index.idxname)) report({ messageId: 'createIndex', data: { index: index.idxname, rebuild: rebuildStatement(statement.text) } });
  },
});
