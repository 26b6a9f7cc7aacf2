import type { IndexStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { indexDroppedBefore, REBUILD_FIX, rebuildStatement } from './support/index-rebuild.js';

export default defineRule({
  id: 'require-invalid-index-recovery',
  severity: 'warning',
  category: 'locking',
  summary: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS can keep a half-built INVALID index',
  lock: 'SHARE UPDATE EXCLUSIVE',
  rewrites: false,
  work: 'index-build',
  statementKinds: ['IndexStmt'],
  messages: { keepsInvalid: 'If an earlier run of this build failed, IF NOT EXISTS keeps the INVALID index {{index}} and skips the build.' },
  why: 'CREATE INDEX CONCURRENTLY that fails (deadlock, unique violation, timeout) leaves an INVALID index that is maintained on writes but never used; IF NOT EXISTS then silently skips rebuilding it.',
  fix: REBUILD_FIX,
  references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY'],
  examples: {
    invalid: [
      { sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);', messageIds: ['keepsInvalid'] },
      {
        sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON auth.users (email);',
        why: 'the index lives in its table\'s schema',
        messages: ['If an earlier run of this build failed, IF NOT EXISTS keeps the INVALID index auth.users_email_idx and skips the build.'],
      },
    ],
    valid: [
      { sql: 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);', why: 'a leftover is dropped first' },
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'a leftover makes it fail loudly instead' },
      { sql: 'CREATE TABLE invites (id bigint, email text);\nCREATE INDEX CONCURRENTLY IF NOT EXISTS invites_email_idx ON invites (email);', why: 'the table is new: the build cannot fail halfway on existing rows, and a rerun starts from an empty database' },
    ],
  },
  statement({ statement, file, changeSet, isNewTable, report }) {
    const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
    if (!index?.concurrent || !index.if_not_exists || !index.idxname || (index.relation && isNewTable(relationName(index.relation)))) return;
    if (!indexDroppedBefore(changeSet, file, statement, index.idxname)) report({ messageId: 'keepsInvalid', data: { index: index.relation?.schemaname ? `${index.relation.schemaname}.${index.idxname}` : index.idxname, rebuild: rebuildStatement(statement.text) } });
  },
});
