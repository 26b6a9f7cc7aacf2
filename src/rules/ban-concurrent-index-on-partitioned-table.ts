/**
 * ## What it does
 * Flags `CREATE INDEX CONCURRENTLY` on a table the migrations create as partitioned.
 *
 * ## Why is this bad?
 * Postgres rejects it ("cannot create index on partitioned table ... concurrently"): the
 * deploy fails. The online way indexes the parent ON ONLY, each partition concurrently,
 * and attaches them.
 */
import type { IndexStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { partitionedIndexRecipe } from './support/partitioned-index.js';
import { tableBefore } from './support/table-facts.js';

export default defineRule({
  id: 'ban-concurrent-index-on-partitioned-table',
  severity: 'error',
  category: 'locking',
  summary: 'CREATE INDEX CONCURRENTLY on a partitioned table fails: index ON ONLY the parent and each partition instead',
  lock: null,
  rewrites: false,
  statementKinds: ['IndexStmt'],
  messages: { rejected: 'CREATE INDEX CONCURRENTLY on partitioned table {{table}} is rejected by Postgres: the migration fails.' },
  why: 'Postgres cannot build an index concurrently on a partitioned table (through Postgres 18). The statement errors, and the migration stops there.',
  fix: [
    'Index the parent alone, then each partition concurrently, and attach:',
    '   CREATE INDEX <name> ON ONLY {{table}} (...);',
    '   CREATE INDEX CONCURRENTLY <partition_name> ON <partition> (...);  -- per partition',
    '   ALTER INDEX <name> ATTACH PARTITION <partition_name>;',
  ].join('\n'),
  versions: 'Rejected on every version with declarative partitioning (10 to 18). Partitioned indexes (ON ONLY, ATTACH) exist from 11; on 10 the fix indexes each partition only.',
  references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY', 'https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE'],
  examples: {
    invalid: [
      {
        files: [
          { path: 'migrations/20260101000000_measurements.up.sql', text: "CREATE TABLE measurements (at date) PARTITION BY RANGE (at);\nCREATE TABLE measurements_2020 PARTITION OF measurements FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');", change: 'unchanged' },
          { path: 'migrations/20260101000001_index.up.sql', text: 'CREATE INDEX CONCURRENTLY measurements_at_idx ON measurements (at);' },
        ],
        messageIds: ['rejected'],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/20260101000000_measurements.up.sql', text: 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);', change: 'unchanged' },
          { path: 'migrations/20260101000001_index.up.sql', text: 'CREATE INDEX measurements_at_idx ON ONLY measurements (at);' },
        ],
        why: 'the parent-only index is the first step of the online recipe',
      },
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'the migrations do not show users as partitioned' },
    ],
  },
  statement({ statement, file, changeSet, postgresVersion, report }) {
    const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
    if (!index?.concurrent || index.relation?.inh === false) return;
    const table = relationName(index.relation);
    const state = tableBefore(changeSet, file, statement, table);
    if (!state.partitioned) return;
    report({ messageId: 'rejected', data: { table }, tables: [table], fix: partitionedIndexRecipe(statement, index, state.partitions, postgresVersion) });
  },
});
