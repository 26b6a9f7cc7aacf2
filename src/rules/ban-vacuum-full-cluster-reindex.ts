import type { ClusterStmt, VacuumStmt } from '@pgsql/types';
import { nodeAs, optionEnabled, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'ban-vacuum-full-cluster-reindex',
  severity: 'error',
  category: 'locking',
  summary: 'VACUUM FULL and CLUSTER rewrite the table under an ACCESS EXCLUSIVE lock',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: true,
  statementKinds: ['VacuumStmt', 'ClusterStmt'],
  messages: { rewrite: '{{operation}} rewrites {{table}} while blocking all reads and writes.' },
  why: 'VACUUM FULL and CLUSTER copy the table into new files holding ACCESS EXCLUSIVE for the whole copy.',
  fix: 'Do not rewrite in a migration. Use plain VACUUM (no lock on reads/writes), or an online tool such as pg_repack / pg_squeeze on {{table}} in a maintenance task.',
  references: ['https://www.postgresql.org/docs/current/sql-vacuum.html', 'https://www.postgresql.org/docs/current/sql-cluster.html'],
  examples: {
    invalid: [
      { sql: 'VACUUM FULL users;', messageIds: ['rewrite'] },
      { sql: 'VACUUM FULL;', why: 'every table of the database, one after the other', messages: ['VACUUM FULL rewrites every table while blocking all reads and writes.'] },
      { sql: 'CLUSTER users USING users_pkey;', messageIds: ['rewrite'] },
    ],
    valid: [
      { sql: 'VACUUM (ANALYZE) users;', why: 'plain VACUUM does not block reads or writes' },
      { sql: 'VACUUM (FULL FALSE, ANALYZE) users;', why: 'FULL turned off is plain VACUUM' },
      { sql: 'CREATE TABLE imports (id bigint PRIMARY KEY, payload jsonb);\nVACUUM FULL imports;\nCLUSTER imports USING imports_pkey;', why: 'a table created in this change is not in use yet' },
    ],
  },
  statement({ statement, isNewTable, report }) {
    const vacuum = nodeAs<VacuumStmt>(statement.node, 'VacuumStmt');
    if (vacuum && optionEnabled(vacuum.options, 'full')) {
      const tables = (vacuum.rels ?? []).map((r) => relationName(nodeAs<{ relation?: never }>(r, 'VacuumRelation')?.relation)).filter((t) => !isNewTable(t));
      if (vacuum.rels?.length && tables.length === 0) return;
      report({ messageId: 'rewrite', data: { operation: 'VACUUM FULL', table: tables.join(', ') || 'every table' }, tables });
    }
    const cluster = nodeAs<ClusterStmt>(statement.node, 'ClusterStmt');
    if (cluster) {
      const table = cluster.relation ? relationName(cluster.relation) : 'every clustered table';
      if (cluster.relation && isNewTable(table)) return;
      report({ messageId: 'rewrite', data: { operation: 'CLUSTER', table }, tables: cluster.relation ? [table] : [] });
    }
  },
});
