import type { ReindexStmt } from '@pgsql/types';
import { nodeAs, optionEnabled, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { quoteQualified } from '../core/sql-names.js';

export default defineRule({
  id: 'require-concurrent-reindex',
  severity: 'error',
  category: 'locking',
  summary: 'REINDEX without CONCURRENTLY blocks writes for the whole rebuild',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  work: 'index-build',
  statementKinds: ['ReindexStmt'],
  messages: { missingConcurrently: 'REINDEX {{target}} without CONCURRENTLY blocks writes (and reads using the index) until it finishes.' },
  why: 'REINDEX takes SHARE on the table and ACCESS EXCLUSIVE on the index: writes and index scans wait for the whole rebuild.',
  fix: 'On Postgres 12+, outside a transaction block:\n   REINDEX {{kind}} CONCURRENTLY{{targetSql}};\nBefore 12: CREATE INDEX CONCURRENTLY a copy, DROP INDEX CONCURRENTLY the old one, rename.',
  versions: 'REINDEX CONCURRENTLY exists from Postgres 12.',
  references: ['https://www.postgresql.org/docs/current/sql-reindex.html', 'https://squawkhq.com/docs/require-concurrent-index-creation'],
  examples: {
    invalid: [
      { sql: 'REINDEX INDEX users_email_idx;', messageIds: ['missingConcurrently'] },
      { sql: 'REINDEX (CONCURRENTLY false) INDEX users_email_idx;', why: 'the option turned off', messageIds: ['missingConcurrently'] },
      {
        sql: 'REINDEX DATABASE;',
        why: 'Postgres 16+: without a name, the current database',
        postgresVersion: 16,
        messages: ['REINDEX the current database without CONCURRENTLY blocks writes (and reads using the index) until it finishes.'],
      },
    ],
    valid: [
      { sql: 'REINDEX INDEX CONCURRENTLY users_email_idx;', why: 'the concurrent form (12+)' },
      { sql: 'REINDEX SYSTEM app;', why: 'system catalogs cannot be reindexed concurrently, so there is no form to advise' },
    ],
  },
  statement({ statement, report }) {
    const reindex = nodeAs<ReindexStmt>(statement.node, 'ReindexStmt');
    // NOTE: REINDEX SYSTEM has no concurrent form (Postgres rejects it), so there is nothing to advise.
    if (!reindex || optionEnabled(reindex.params, 'concurrently') || reindex.kind === 'REINDEX_OBJECT_SYSTEM') return;
    const kind = (reindex.kind ?? 'REINDEX_OBJECT_INDEX').replace('REINDEX_OBJECT_', '');
    // NOTE: from Postgres 16 `REINDEX DATABASE` may omit the name: the current database.
    const target = reindex.relation ? relationName(reindex.relation) : reindex.name;
    report({
      messageId: 'missingConcurrently',
      data: { kind, target: target ?? 'the current database', targetSql: target === undefined ? '' : ` ${quoteQualified(target)}` },
      tables: target === undefined ? [] : [target],
    });
  },
});
