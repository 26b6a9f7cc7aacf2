import type { PartitionCmd } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';

export default defineRule({
  id: 'require-concurrent-partition-detach',
  severity: 'error',
  category: 'locking',
  summary: 'DETACH PARTITION without CONCURRENTLY blocks the whole partitioned table',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { blockingDetach: 'Detaching {{partition}} from {{table}} without CONCURRENTLY blocks all reads and writes on {{table}}.' },
  why: 'DETACH PARTITION takes ACCESS EXCLUSIVE on the parent; the concurrent form (Postgres 14+) takes SHARE UPDATE EXCLUSIVE.',
  fix: 'Outside a transaction block (Postgres 14+):\n   ALTER TABLE {{table|relation}} DETACH PARTITION {{partition|relation}} CONCURRENTLY;\nIf it is interrupted, finish it with:\n   ALTER TABLE {{table|relation}} DETACH PARTITION {{partition|relation}} FINALIZE;',
  versions: 'DETACH PARTITION CONCURRENTLY exists from Postgres 14; earlier versions have no non-blocking form.',
  references: ['https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-DETACH-PARTITION'],
  examples: {
    invalid: [
      { sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2020;', messageIds: ['blockingDetach'] },
      { sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2020;', postgresVersion: 14, why: '14 is the first version with DETACH PARTITION ... CONCURRENTLY', messageIds: ['blockingDetach'] },
    ],
    valid: [
      { sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2020 CONCURRENTLY;', why: 'the concurrent form' },
      { sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2020;', postgresVersion: 13, why: 'before 14 there is no concurrent form to require' },
    ],
  },
  statement({ statement, isNewTable, postgresVersion, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter || postgresVersion < 14 || isNewTable(alter.table)) return;
    for (const command of alter.commands) {
      const partition = nodeAs<PartitionCmd>(command.def, 'PartitionCmd');
      if (command.subtype !== 'AT_DetachPartition' || !partition || partition.concurrent) continue;
      report({ messageId: 'blockingDetach', data: { table: alter.table, partition: relationName(partition.name) }, tables: [alter.table] });
    }
  },
});
