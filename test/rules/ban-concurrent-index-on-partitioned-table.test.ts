/**
 * The online recipe ban-concurrent-index-on-partitioned-table suggests (support/partitioned-index.ts):
 * the parent's index ON ONLY itself, each known partition's index CONCURRENTLY, each attached,
 * named as Postgres names them, qualified with the table's schema.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { LOCK_TIMEOUT_STEP } from '../../src/rules/support/sql-source.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-concurrent-index-on-partitioned-table')!;

/** The fix of the one finding on `index`, after `history` created the tables. */
async function recipe(history: string, index: string, postgresVersion = 15): Promise<string | undefined> {
  const findings = await runExample(rule, {
    files: [
      { path: 'migrations/20250101000000_measurements.up.sql', text: history, change: 'unchanged' },
      { path: 'migrations/20260101000000_index.up.sql', text: index },
    ],
    postgresVersion,
  });
  expect(findings.map((finding) => finding.tables)).toEqual([[expect.stringContaining('measurements')]]);
  return findings[0]!.fix;
}

const PARENT = 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);';
const PARTITION_2020 = "CREATE TABLE measurements_2020 PARTITION OF measurements FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');";

describe('the partitioned index recipe', () => {
  it('indexes the parent ON ONLY, then each known partition concurrently, and attaches it', async () => {
    expect(await recipe(`${PARENT}\n${PARTITION_2020}`, 'CREATE INDEX CONCURRENTLY measurements_at_idx ON measurements (at);')).toBe(
      [
        "Postgres cannot build an index on a partitioned table CONCURRENTLY. Index the parent alone (instant; the index stays invalid until every partition's is attached), then each partition concurrently, and attach; each step a migration of its own:",
        LOCK_TIMEOUT_STEP,
        '   CREATE INDEX measurements_at_idx ON ONLY measurements (at);',
        'Outside a transaction block, for measurements_2020:',
        '   DROP INDEX CONCURRENTLY IF EXISTS measurements_2020_at_idx;',
        'In the next migration:',
        '   CREATE INDEX CONCURRENTLY measurements_2020_at_idx ON measurements_2020 (at);',
        'In the next migration:',
        '   ALTER INDEX measurements_at_idx ATTACH PARTITION measurements_2020_at_idx;',
      ].join('\n'),
    );
  });

  it('leaves placeholders when the migrations show no partition, and forgets a detached one', async () => {
    const placeholders = [
      'Outside a transaction block, for <partition>:',
      '   DROP INDEX CONCURRENTLY IF EXISTS <partition index>;',
      'In the next migration:',
      '   CREATE INDEX CONCURRENTLY <partition index> ON <partition> (at);',
      'In the next migration:',
      '   ALTER INDEX measurements_at_idx ATTACH PARTITION <partition index>;',
    ].join('\n');
    expect(await recipe(PARENT, 'CREATE INDEX CONCURRENTLY measurements_at_idx ON measurements (at);')).toContain(`ON ONLY measurements (at);\n${placeholders}`);
    const detached = `${PARENT}\n${PARTITION_2020}\nALTER TABLE measurements DETACH PARTITION measurements_2020;`;
    expect(await recipe(detached, 'CREATE INDEX CONCURRENTLY measurements_at_idx ON measurements (at);')).toContain(`ON ONLY measurements (at);\n${placeholders}`);
  });

  it('lists the partitions that are still attached', async () => {
    const history = `${PARENT}\n${PARTITION_2020}\nCREATE TABLE measurements_2021 PARTITION OF measurements FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');\nALTER TABLE measurements DETACH PARTITION measurements_2020;`;
    const fix = await recipe(history, 'CREATE INDEX CONCURRENTLY measurements_at_idx ON measurements (at);');
    expect(fix?.split('\n').filter((line) => line.startsWith('Outside a transaction block'))).toEqual(['Outside a transaction block, for measurements_2021:']);
  });

  it('on Postgres 11 still indexes the parent ON ONLY; on 10 only the partitions', async () => {
    const index = 'CREATE INDEX CONCURRENTLY measurements_at_idx ON measurements (at);';
    expect(await recipe(`${PARENT}\n${PARTITION_2020}`, index, 11)).toContain('   CREATE INDEX measurements_at_idx ON ONLY measurements (at);');
    expect(await recipe(`${PARENT}\n${PARTITION_2020}`, index, 10)).toBe(
      [
        'Postgres 10 cannot index a partitioned table (partitioned indexes arrive in 11): index each partition concurrently, each step a migration of its own:',
        'Outside a transaction block, for measurements_2020:',
        '   DROP INDEX CONCURRENTLY IF EXISTS measurements_2020_at_idx;',
        'In the next migration:',
        '   CREATE INDEX CONCURRENTLY measurements_2020_at_idx ON measurements_2020 (at);',
      ].join('\n'),
    );
  });

  it('names an unnamed index as Postgres does, and qualifies every index with the schema', async () => {
    const history = "CREATE TABLE app.measurements (at date, probe int) PARTITION BY RANGE (at);\nCREATE TABLE app.measurements_2020 PARTITION OF app.measurements FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');";
    const fix = await recipe(history, 'CREATE UNIQUE INDEX CONCURRENTLY ON app.measurements (at, probe);');
    expect(fix).toContain('   CREATE UNIQUE INDEX measurements_at_probe_idx ON ONLY app.measurements (at, probe);');
    expect(fix).toContain('   DROP INDEX CONCURRENTLY IF EXISTS app.measurements_2020_at_probe_idx;');
    expect(fix).toContain('   ALTER INDEX app.measurements_at_probe_idx ATTACH PARTITION app.measurements_2020_at_probe_idx;');
  });

  it('suffixes the partition name to an index name that does not start with the table name', async () => {
    const fix = await recipe(`${PARENT}\n${PARTITION_2020}`, 'CREATE INDEX CONCURRENTLY idx_at ON measurements USING brin (at);');
    expect(fix).toContain('   CREATE INDEX idx_at ON ONLY measurements USING brin (at);');
    expect(fix).toContain('   CREATE INDEX CONCURRENTLY idx_at_measurements_2020 ON measurements_2020 USING brin (at);');
  });

  it('takes what follows the table name from the table name on, not from a quoted index name', async () => {
    const fix = await recipe(`${PARENT}\n${PARTITION_2020}`, 'CREATE INDEX CONCURRENTLY "measurements (at)" ON measurements (at);');
    expect(fix).toContain('   CREATE INDEX "measurements (at)" ON ONLY measurements (at);');
  });

  it('takes what follows the table name from after the whole name, even a quoted name holding "(" or " using "', async () => {
    const parent = 'CREATE TABLE "measurements (raw)" (at date) PARTITION BY RANGE (at);';
    const fix = await recipe(parent, 'CREATE INDEX CONCURRENTLY raw_at_idx ON public."measurements (raw)" USING brin (at);');
    expect(fix).toContain('   CREATE INDEX raw_at_idx ON ONLY public."measurements (raw)" USING brin (at);');
    expect(fix).toContain('   CREATE INDEX CONCURRENTLY <partition index> ON <partition> USING brin (at);');
    const usingName = await recipe('CREATE TABLE "measurements using v2" (at date) PARTITION BY RANGE (at);', 'CREATE INDEX CONCURRENTLY v2_at_idx ON "measurements using v2" (at);');
    expect(usingName).toContain('   CREATE INDEX v2_at_idx ON ONLY "measurements using v2" (at);');
    const escaped = await recipe('CREATE TABLE "measurements (raw)" (at date) PARTITION BY RANGE (at);', 'CREATE INDEX CONCURRENTLY raw_at_idx ON u&"measurements \\0028raw)" (at);');
    expect(escaped).toContain('   CREATE INDEX raw_at_idx ON ONLY "measurements (raw)" (at);');
  });
});

describe('CREATE INDEX CONCURRENTLY ... ON ONLY', () => {
  it('is rejected on a partitioned table too (Postgres: "cannot create index on partitioned table ... concurrently")', async () => {
    const fix = await recipe(PARENT, 'CREATE INDEX CONCURRENTLY measurements_at_idx ON ONLY measurements (at);');
    expect(fix).toContain('   CREATE INDEX measurements_at_idx ON ONLY measurements (at);');
  });
});
