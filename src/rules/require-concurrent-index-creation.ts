import type { IndexStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { partitionedIndexRecipe } from './support/partitioned-index.js';
import { tableBefore } from './support/table-facts.js';
import { quoteQualified } from '../core/sql-names.js';
import { rebuildStatement } from './support/index-rebuild.js';

export default defineRule({
  id: 'require-concurrent-index-creation',
  severity: 'error',
  category: 'locking',
  summary: 'CREATE INDEX without CONCURRENTLY blocks writes for the whole build',
  lock: 'SHARE',
  rewrites: false,
  work: 'index-build',
  statementKinds: ['IndexStmt'],
  messages: { missingConcurrently: 'CREATE INDEX on {{table}} without CONCURRENTLY blocks all writes to {{table}} until the index is built.' },
  why: 'CREATE INDEX takes a SHARE lock on the table, which conflicts with ROW EXCLUSIVE: writes queue behind the build, and everything else queues behind them.',
  fix: [
    'Build it concurrently, outside a transaction block (one statement per migration, no implicit transaction), after dropping a leftover of a failed build in the migration before:',
    '{{dropLeftover}}',
    'then:',
    '   {{fixed}}',
  ].join('\n'),
  references: ['https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY', 'https://www.postgresql.org/docs/current/explicit-locking.html'],
  examples: {
    invalid: [
      { sql: 'CREATE INDEX users_email_idx ON users (email);', messageIds: ['missingConcurrently'] },
      { sql: 'CREATE UNIQUE INDEX IF NOT EXISTS orders_ref_key ON public.orders (ref);', messageIds: ['missingConcurrently'] },
      {
        files: [
          { path: 'migrations/20260101000000_measurements.up.sql', text: 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);', change: 'unchanged' },
          { path: 'migrations/20260101000001_index.up.sql', text: 'CREATE INDEX measurements_at_idx ON measurements (at);' },
        ],
        why: 'a partitioned table: the fix is the ON ONLY recipe, since Postgres rejects CONCURRENTLY there',
        messageIds: ['missingConcurrently'],
      },
    ],
    valid: [
      { sql: 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);', why: 'the documented safe form' },
      { sql: 'CREATE TABLE invites (code text);\nCREATE INDEX invites_code_idx ON invites (code);', why: 'the table is new in this change' },
      { sql: 'CREATE INDEX measurements_at_idx ON ONLY measurements (at);', why: 'partitioned tables: the parent-only index is instant; partitions are indexed CONCURRENTLY and attached' },
    ],
  },
  statement({ statement, file, changeSet, postgresVersion, isNewTable, report }) {
    const index = nodeAs<IndexStmt>(statement.node, 'IndexStmt');
    // NOTE: `ON ONLY parent` is the first step of the partitioned-table recipe: it creates an
    // invalid index on the parent alone, instantly; partitions are then indexed concurrently.
    if (!index || index.concurrent || (index.relation && index.relation.inh !== true)) return;
    const table = relationName(index.relation);
    if (isNewTable(table)) return;
    // NOTE: Postgres rejects CONCURRENTLY on a partitioned table: advise the ON ONLY recipe there.
    const partitioned = tableBefore(changeSet, file, statement, table);
    if (partitioned.partitioned) return report({ messageId: 'missingConcurrently', data: { table, fixed: '', dropLeftover: '' }, tables: [table], fix: partitionedIndexRecipe(statement, index, partitioned.partitions, postgresVersion) });
    const fixed = rebuildStatement(statement.text.trim().replace(/^(create\s+(?:unique\s+)?index)\b/i, '$1 CONCURRENTLY'));
    // NOTE: an unnamed index gets a fresh name on each build: a leftover cannot block a rerun.
    const schema = index.relation?.schemaname;
    const dropLeftover = index.idxname ? `   DROP INDEX CONCURRENTLY IF EXISTS ${quoteQualified(schema ? `${schema}.${index.idxname}` : index.idxname)};` : '   (the index has no name: there is no leftover to drop)';
    report({ messageId: 'missingConcurrently', data: { table, fixed, dropLeftover }, tables: [table] });
  },
});
