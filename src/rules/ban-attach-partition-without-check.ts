/**
 * ## What it does
 * Flags `ALTER TABLE parent ATTACH PARTITION child` when the migrations show no validated
 * CHECK constraint on `child` over the partition key.
 *
 * ## Why is this bad?
 * Postgres proves that every row of the new partition fits its bound: without a CHECK that
 * implies the bound it scans the whole partition (and the default partition, if any) while
 * holding ACCESS EXCLUSIVE on them.
 */
import type { Node, PartitionBoundSpec, PartitionCmd, RangeVar } from '@pgsql/types';
import { ALTER_TABLE_KINDS, alterTableCommands, constantValue, nodeAs, relationName } from '../core/ast.js';
import { defineRule } from '../core/rule.js';
import { derivedName, quoteIdent, quoteLiteral, quoteQualified } from '../core/sql-names.js';
import { priorColumn } from './support/breaking-ast.js';
import { LOCK_TIMEOUT_STEP } from './support/sql-source.js';
import { type TableState, tableBefore } from './support/table-facts.js';

export default defineRule({
  id: 'ban-attach-partition-without-check',
  severity: 'error',
  category: 'locking',
  summary: 'ATTACH PARTITION without a validated CHECK matching the bound scans the partition under ACCESS EXCLUSIVE',
  lock: 'ACCESS EXCLUSIVE',
  rewrites: false,
  statementKinds: ALTER_TABLE_KINDS,
  messages: { scansPartition: 'ATTACH PARTITION {{partition}} scans every row of {{scanned}} under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.' },
  why: 'Attaching a partition checks that all of its rows satisfy the partition bound, and that no row of the default partition does. A validated CHECK constraint on the table that implies the bound lets Postgres skip the scan; the CHECK can be added NOT VALID and validated under SHARE UPDATE EXCLUSIVE first.',
  fix: [
    'Prove the bound with a CHECK first; each step a migration of its own:',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{partition|relation}} ADD CONSTRAINT <name> CHECK (<the bound over the partition key>) NOT VALID;',
    'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
    "   SET statement_timeout = '15min';",
    '   ALTER TABLE {{partition|relation}} VALIDATE CONSTRAINT <name>;',
    'In the next migration (the ATTACH now skips the scan; the CHECK is redundant after it):',
    "   SET lock_timeout = '2s';",
    '   ALTER TABLE {{table|relation}} ATTACH PARTITION {{partition|relation}} FOR VALUES <bound>;',
    '   ALTER TABLE {{partition|relation}} DROP CONSTRAINT <name>;',
  ].join('\n'),
  versions: 'ATTACH PARTITION exists from Postgres 10; from 12 it takes only SHARE UPDATE EXCLUSIVE on the parent (ACCESS EXCLUSIVE before), the partition itself is always locked ACCESS EXCLUSIVE.',
  references: ['https://www.postgresql.org/docs/current/ddl-partitioning.html#DDL-PARTITIONING-DECLARATIVE-MAINTENANCE', 'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-ATTACH-PARTITION'],
  examples: {
    invalid: [
      {
        sql: "ALTER TABLE measurements ATTACH PARTITION measurements_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');",
        messages: ['ATTACH PARTITION measurements_2021 scans every row of measurements_2021 under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.'],
      },
      {
        files: [
          { path: 'migrations/20260101000000_bound.up.sql', text: "ALTER TABLE measurements_2021 ADD CONSTRAINT measurements_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01') NOT VALID;" },
          { path: 'migrations/20260101000001_attach.up.sql', text: "ALTER TABLE measurements ATTACH PARTITION measurements_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'the CHECK was never validated',
        messageIds: ['scansPartition'],
      },
      {
        files: [
          { path: 'migrations/20250101000000_readings.up.sql', text: 'CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_2021 (at date);', change: 'unchanged' },
          { path: 'migrations/20260101000000_bound.up.sql', text: "ALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01') NOT VALID;" },
          { path: 'migrations/20260101000001_validate.up.sql', text: 'ALTER TABLE readings_2021 VALIDATE CONSTRAINT readings_2021_bound;' },
          { path: 'migrations/20260101000002_attach.up.sql', text: "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'a range bound excludes NULL keys: without IS NOT NULL (or a NOT NULL key column) the CHECK does not imply it',
        messageIds: ['scansPartition'],
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_readings.up.sql',
            text: "CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_default PARTITION OF readings DEFAULT;\nCREATE TABLE readings_2021 (at date NOT NULL);\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'the CHECK proves the bound, but the default partition is scanned for rows that now belong to the new one',
        messages: ['ATTACH PARTITION readings_2021 scans every row of the default partition readings_default under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.'],
      },
      {
        files: [
          { path: 'migrations/20250101000000_readings.up.sql', text: 'CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_default PARTITION OF readings DEFAULT;\nCREATE TABLE readings_2021 (at date);', change: 'unchanged' },
          { path: 'migrations/20260101000000_attach.up.sql', text: "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        postgresVersion: 11,
        why: 'before Postgres 12 the parent is locked ACCESS EXCLUSIVE as well',
        messages: [
          'ATTACH PARTITION readings_2021 scans every row of readings_2021 and the default partition readings_default (and holds readings ACCESS EXCLUSIVE on Postgres 11) under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.',
        ],
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_readings.up.sql',
            text: "CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_2021 (at date NOT NULL);\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');\nALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_bound;",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'the CHECK that proved the bound was dropped',
        messageIds: ['scansPartition'],
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_sales.up.sql',
            text: "CREATE TABLE sales (region text) PARTITION BY LIST (region);\nCREATE TABLE sales_west (region text);\nALTER TABLE sales_west ADD CONSTRAINT sales_west_bound CHECK (region IN ('eu', 'us'));",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: "ALTER TABLE sales ATTACH PARTITION sales_west FOR VALUES IN ('eu', 'us');" },
        ],
        why: 'a list bound without NULL excludes NULL keys too, and Postgres does not read region IN (...) as region IS NOT NULL',
        messageIds: ['scansPartition'],
      },
      {
        files: [
          { path: 'migrations/20250101000000_readings.up.sql', text: 'CREATE TABLE readings (at date) PARTITION BY RANGE (at);', change: 'unchanged' },
          { path: 'migrations/20260101000000_bound.up.sql', text: "ALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');" },
          { path: 'migrations/20260101000001_attach.up.sql', text: "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'the migrations do not show the key column of readings_2021 NOT NULL, and the CHECK does not test it',
        messageIds: ['scansPartition'],
      },
    ],
    valid: [
      {
        files: [
          { path: 'migrations/20260101000000_bound.up.sql', text: "ALTER TABLE measurements_2021 ADD CONSTRAINT measurements_2021_bound CHECK (at IS NOT NULL AND at >= '2021-01-01' AND at < '2022-01-01') NOT VALID;" },
          { path: 'migrations/20260101000001_validate.up.sql', text: 'ALTER TABLE measurements_2021 VALIDATE CONSTRAINT measurements_2021_bound;' },
          { path: 'migrations/20260101000002_attach.up.sql', text: "ALTER TABLE measurements ATTACH PARTITION measurements_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'the validated CHECK implies the bound',
      },
      {
        files: [
          { path: 'migrations/20250101000000_readings.up.sql', text: 'CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_2021 (at date NOT NULL);', change: 'unchanged' },
          { path: 'migrations/20260101000000_bound.up.sql', text: "ALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');" },
          { path: 'migrations/20260101000001_attach.up.sql', text: "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'the key column is NOT NULL, so the validated CHECK implies the bound',
      },
      { sql: "CREATE TABLE measurements_2021 (at date);\nALTER TABLE measurements ATTACH PARTITION measurements_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');", why: 'the partition is new and empty' },
      {
        files: [
          {
            path: 'migrations/20250101000000_readings.up.sql',
            text: "CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_2021 (at date NOT NULL);\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: "CREATE TABLE readings_default PARTITION OF readings DEFAULT;\nALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'the default partition is new and empty',
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_readings.up.sql',
            text: "CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_default PARTITION OF readings DEFAULT;\nALTER TABLE readings DETACH PARTITION readings_default;\nCREATE TABLE readings_2021 (at date NOT NULL);\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'the default partition was detached before',
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_sales.up.sql',
            text: "CREATE TABLE sales (region text) PARTITION BY LIST (region);\nCREATE TABLE sales_unassigned (region text);\nALTER TABLE sales_unassigned ADD CONSTRAINT sales_unassigned_bound CHECK (region IS NULL);",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: 'ALTER TABLE sales ATTACH PARTITION sales_unassigned FOR VALUES IN (NULL);' },
        ],
        why: 'the list holds NULL, so the bound does not exclude NULL keys, and the validated CHECK implies it',
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_sales.up.sql',
            text: "CREATE TABLE sales (region text) PARTITION BY LIST (region);\nCREATE TABLE sales_eu (region text);\nALTER TABLE sales_eu ADD CONSTRAINT sales_eu_bound CHECK (region IS NULL OR region = 'eu');",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: "ALTER TABLE sales ATTACH PARTITION sales_eu FOR VALUES IN ('eu', NULL);" },
        ],
        why: 'a list that holds NULL among other values admits NULL keys too',
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_logs.up.sql',
            text: "CREATE TABLE logs (id bigint) PARTITION BY HASH (id);\nCREATE TABLE logs_0 (id bigint);\nALTER TABLE logs_0 ADD CONSTRAINT logs_0_bound CHECK (satisfies_hash_partition('logs'::regclass, 4, 0, id));",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: 'ALTER TABLE logs ATTACH PARTITION logs_0 FOR VALUES WITH (MODULUS 4, REMAINDER 0);' },
        ],
        why: 'a hash bound admits NULL keys (they hash like any value): a validated CHECK of the hash implies it without IS NOT NULL',
      },
      {
        files: [
          {
            path: 'migrations/20250101000000_readings.up.sql',
            text: "CREATE TABLE readings (at date) PARTITION BY RANGE (at);\nCREATE TABLE readings_2021 (at date NOT NULL, sensor text);\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_sensor_key UNIQUE (sensor);\nALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_sensor_key;",
            change: 'unchanged',
          },
          { path: 'migrations/20260101000000_attach.up.sql', text: "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" },
        ],
        why: 'dropping another constraint keeps the CHECK',
      },
      { sql: 'ALTER INDEX measurements_at_idx ATTACH PARTITION measurements_2021_at_idx;', why: 'attaching an index is a catalog change' },
    ],
  },
  statement({ statement, file, changeSet, postgresVersion, isNewTable, report }) {
    const alter = alterTableCommands(statement.node);
    if (!alter) return;
    for (const command of alter.commands) {
      const attach = command.subtype === 'AT_AttachPartition' ? nodeAs<PartitionCmd>(command.def, 'PartitionCmd') : undefined;
      if (!attach?.name) continue;
      const partition = relationName(attach.name);
      const parent = tableBefore(changeSet, file, statement, alter.table);
      const defaultPartition = parent.defaultPartition && !isNewTable(parent.defaultPartition) ? parent.defaultPartition : undefined;
      const keyNotNull = (column: string) => priorColumn(changeSet, file, statement, partition, column)?.notNull === true;
      const scansPartition = !isNewTable(partition) && !provesBound(tableBefore(changeSet, file, statement, partition), parent.partitionKey, boundExcludesNull(attach.bound), keyNotNull);
      if (!scansPartition && !defaultPartition) continue;
      const fix = boundFix(alter.relation, attach, parent.partitionKey, statement.text);
      const scanned = [...(scansPartition ? [partition] : []), ...(defaultPartition ? [defaultPartition] : [])];
      const described = [...(scansPartition ? [partition] : []), ...(defaultPartition ? [`the default partition ${defaultPartition}`] : [])].join(' and ');
      // NOTE: before 12 ATTACH PARTITION locked the parent ACCESS EXCLUSIVE as well (SHARE UPDATE EXCLUSIVE from 12).
      const blocked = postgresVersion < 12 ? [alter.table, ...scanned] : scanned;
      report({ messageId: 'scansPartition', data: { table: alter.table, partition, scanned: postgresVersion < 12 ? `${described} (and holds ${alter.table} ACCESS EXCLUSIVE on Postgres ${postgresVersion})` : described }, tables: blocked, fix });
    }
  },
});

/**
 * Whether a validated CHECK on the partition reads every partition key column (or any
 * validated CHECK, when the key is unknown). When the bound excludes NULL keys the CHECK
 * must also test `key IS NOT NULL` unless the column is NOT NULL. NOTE: Postgres proves the
 * bound from the CHECK by predicate implication; we do not re-implement that, we require the
 * CHECK to be about the key.
 */
function provesBound(partition: TableState, key: readonly string[], excludesNull: boolean, keyNotNull: (column: string) => boolean): boolean {
  return partition.checks.some(
    (check) => check.validated && key.every((column) => check.columns.includes(column) && (!excludesNull || check.notNull.includes(column) || keyNotNull(column))),
  );
}

/**
 * Whether the partition constraint of the bound holds `key IS NOT NULL`: a range bound's
 * always, a list bound's unless it lists NULL (get_qual_for_range and get_qual_for_list in
 * Postgres's partbounds.c). NOTE: Postgres proves it from CHECK constraints by weak
 * implication (predtest.c), under which `key IN (...)` does not imply `key IS NOT NULL`.
 */
function boundExcludesNull(bound: PartitionBoundSpec | undefined): boolean {
  if (bound?.strategy === 'r') return true;
  return bound?.strategy === 'l' && !(bound.listdatums ?? []).some((datum) => constantValue(datum) === null);
}

/** The fix with a concrete CHECK when the key is one known column and the bound is a range or list of constants. */
function boundFix(parent: RangeVar | undefined, attach: PartitionCmd, key: readonly string[], attachText: string): string {
  const partition = quoteQualified(relationName(attach.name));
  const name = quoteIdent(derivedName(relationName(attach.name), 'bound'));
  const expression = key.length === 1 && attach.bound ? boundExpression(quoteIdent(key[0]!), attach.bound) : undefined;
  const lines = [
    'Prove the bound with a CHECK first; each step a migration of its own:',
    LOCK_TIMEOUT_STEP,
    `   ALTER TABLE ${partition} ADD CONSTRAINT ${name} CHECK (${expression ?? `<the bound over the partition key of ${quoteQualified(relationName(parent))}>`}) NOT VALID;`,
    'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
    "   SET statement_timeout = '15min';",
    `   ALTER TABLE ${partition} VALIDATE CONSTRAINT ${name};`,
    'In the next migration (the ATTACH now skips the scan; the CHECK is redundant after it):',
    LOCK_TIMEOUT_STEP,
    `   ${attachText.trim()};`,
    `   ALTER TABLE ${partition} DROP CONSTRAINT ${name};`,
    'A default partition is scanned too unless it has a validated CHECK that excludes the new bound.',
  ];
  return lines.join('\n');
}

/** A CHECK expression equivalent to a single-column range or list bound of constants. */
function boundExpression(column: string, bound: PartitionBoundSpec): string | undefined {
  const literal = (node: Node | undefined) => {
    const value = constantValue(node);
    return typeof value === 'number' ? String(value) : typeof value === 'string' ? quoteLiteral(value) : undefined;
  };
  if (bound.strategy === 'r' && bound.lowerdatums?.length === 1 && bound.upperdatums?.length === 1) {
    const parts = [`${column} IS NOT NULL`];
    const low = literal(bound.lowerdatums[0]);
    const high = literal(bound.upperdatums[0]);
    // NOTE: MINVALUE / MAXVALUE parse as column references: no literal, no condition on that side.
    if (low) parts.push(`${column} >= ${low}`);
    if (high) parts.push(`${column} < ${high}`);
    return parts.join(' AND ');
  }
  if (bound.strategy === 'l' && bound.listdatums?.length) {
    const values = bound.listdatums.map(literal);
    if (values.some((v) => v === undefined)) return undefined;
    return `${column} IS NOT NULL AND ${column} IN (${values.join(', ')})`;
  }
  return undefined;
}
