import type { RefreshMatViewStmt } from '@pgsql/types';
import { nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { derivedName } from '../core/sql-names.js';

export default defineRule({
  id: 'ban-refresh-materialized-view-blocking',
  severity: 'error',
  category: 'locking',
  summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: true,
  statementKinds: ['RefreshMatViewStmt'],
  messages: { blockingRefresh: 'REFRESH MATERIALIZED VIEW {{view}} blocks every read of {{view}} until it finishes.' },
  why: 'A plain refresh takes ACCESS EXCLUSIVE on the materialized view; the concurrent form takes EXCLUSIVE, which still allows reads.',
  fix: 'Give {{view}} a unique index (once, each statement a migration of its own), then refresh concurrently:\n   DROP INDEX CONCURRENTLY IF EXISTS {{index|ident}};\nthen:\n   CREATE UNIQUE INDEX CONCURRENTLY {{index|ident}} ON {{view|relation}} (<unique columns>);\nthen (EXCLUSIVE: reads go on, writes to the view wait):\n   SET statement_timeout = \'15min\';\n   REFRESH MATERIALIZED VIEW CONCURRENTLY {{view|relation}};',
  references: ['https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html'],
  examples: {
    invalid: [{ sql: 'REFRESH MATERIALIZED VIEW daily_totals;', messageIds: ['blockingRefresh'] }],
    valid: [
      { sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;', why: 'reads continue' },
      { sql: 'CREATE MATERIALIZED VIEW daily_totals AS SELECT 1 AS one WITH NO DATA;\nREFRESH MATERIALIZED VIEW daily_totals;', why: 'the view is new; nothing reads it yet' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const refresh = nodeAs<RefreshMatViewStmt>(statement.node, 'RefreshMatViewStmt');
    if (!refresh || refresh.concurrent) return;
    const view = relationName(refresh.relation);
    if (isNewTable(view)) return;
    report({ messageId: 'blockingRefresh', data: { view, index: derivedName(view, 'key') }, tables: [view] });
  },
});
