/**
 * The CHECK that ban-attach-partition-without-check suggests: an expression equivalent to the
 * partition bound when the key is one column and the bound is made of constants (Postgres
 * proves the bound from it by predicate implication and skips the scan), a placeholder otherwise.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { LOCK_TIMEOUT_STEP } from '../../src/rules/support/sql-source.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-attach-partition-without-check')!;

/** The CHECK line of the fix for attaching `partition` to a parent created with `parent`. */
async function suggestedCheck(parent: string, partition: string, attach: string): Promise<string | undefined> {
  const findings = await runExample(rule, {
    files: [
      { path: 'migrations/20250101000000_base.up.sql', text: `${parent}\n${partition}`, change: 'unchanged' },
      { path: 'migrations/20260101000000_attach.up.sql', text: attach },
    ],
  });
  expect(findings).toHaveLength(1);
  return findings[0]!.fix?.split('\n').find((line) => line.includes('ADD CONSTRAINT'));
}

describe('the suggested CHECK', () => {
  it('states a range bound, NULL keys excluded', async () => {
    expect(
      await suggestedCheck('CREATE TABLE readings (at date) PARTITION BY RANGE (at);', 'CREATE TABLE readings_2021 (at date);', "ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');"),
    ).toBe("   ALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at IS NOT NULL AND at >= '2021-01-01' AND at < '2022-01-01') NOT VALID;");
  });

  it('leaves out the side of a range that is MINVALUE or MAXVALUE', async () => {
    expect(await suggestedCheck('CREATE TABLE orders (id bigint) PARTITION BY RANGE (id);', 'CREATE TABLE orders_low (id bigint);', 'ALTER TABLE orders ATTACH PARTITION orders_low FOR VALUES FROM (MINVALUE) TO (100);')).toBe(
      '   ALTER TABLE orders_low ADD CONSTRAINT orders_low_bound CHECK (id IS NOT NULL AND id < 100) NOT VALID;',
    );
    expect(await suggestedCheck('CREATE TABLE orders (id bigint) PARTITION BY RANGE (id);', 'CREATE TABLE orders_high (id bigint);', 'ALTER TABLE orders ATTACH PARTITION orders_high FOR VALUES FROM (100) TO (MAXVALUE);')).toBe(
      '   ALTER TABLE orders_high ADD CONSTRAINT orders_high_bound CHECK (id IS NOT NULL AND id >= 100) NOT VALID;',
    );
  });

  it('states a list bound of constants', async () => {
    expect(await suggestedCheck('CREATE TABLE sales (region text) PARTITION BY LIST (region);', 'CREATE TABLE sales_west (region text);', "ALTER TABLE sales ATTACH PARTITION sales_west FOR VALUES IN ('eu', 'us');")).toBe(
      "   ALTER TABLE sales_west ADD CONSTRAINT sales_west_bound CHECK (region IS NOT NULL AND region IN ('eu', 'us')) NOT VALID;",
    );
  });

  it('leaves a placeholder for a list holding NULL, a hash bound, or an unknown key', async () => {
    const placeholder = (parent: string) => `CHECK (<the bound over the partition key of ${parent}>) NOT VALID;`;
    expect(await suggestedCheck('CREATE TABLE sales (region text) PARTITION BY LIST (region);', 'CREATE TABLE sales_none (region text);', 'ALTER TABLE sales ATTACH PARTITION sales_none FOR VALUES IN (NULL);')).toContain(placeholder('sales'));
    expect(await suggestedCheck('CREATE TABLE sales (region text) PARTITION BY LIST (region);', 'CREATE TABLE sales_eu (region text);', "ALTER TABLE sales ATTACH PARTITION sales_eu FOR VALUES IN ('eu', NULL);")).toContain(placeholder('sales'));
    expect(await suggestedCheck('CREATE TABLE logs (id bigint) PARTITION BY HASH (id);', 'CREATE TABLE logs_0 (id bigint);', 'ALTER TABLE logs ATTACH PARTITION logs_0 FOR VALUES WITH (MODULUS 4, REMAINDER 0);')).toContain(placeholder('logs'));
    expect(await suggestedCheck('SELECT 1;', 'SELECT 2;', "ALTER TABLE measurements ATTACH PARTITION measurements_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');")).toContain(placeholder('measurements'));
  });

  it('leaves a placeholder when a range bound does not give one value per key column (Postgres rejects that ATTACH)', async () => {
    const placeholder = 'CHECK (<the bound over the partition key of orders>) NOT VALID;';
    const parent = 'CREATE TABLE orders (id bigint) PARTITION BY RANGE (id);';
    expect(await suggestedCheck(parent, 'CREATE TABLE orders_low (id bigint);', 'ALTER TABLE orders ATTACH PARTITION orders_low FOR VALUES FROM (1, 2) TO (100);')).toContain(placeholder);
    expect(await suggestedCheck(parent, 'CREATE TABLE orders_low (id bigint);', 'ALTER TABLE orders ATTACH PARTITION orders_low FOR VALUES FROM (1) TO (100, 200);')).toContain(placeholder);
  });
});

describe('the finding', () => {
  const readings = (defaultPartition: string) => ({
    path: 'migrations/20250101000000_readings.up.sql',
    text: `CREATE TABLE readings (at date) PARTITION BY RANGE (at);\n${defaultPartition}CREATE TABLE readings_2021 (at date NOT NULL);`,
    change: 'unchanged' as const,
  });
  const attach = { path: 'migrations/20260101000000_attach.up.sql', text: "SET lock_timeout = '2s';\nALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');" };
  const tablesOf = async (files: Parameters<typeof runExample>[1]['files'], postgresVersion: number) => (await runExample(rule, { files, postgresVersion })).map((finding) => finding.tables);

  it('names the tables it locks ACCESS EXCLUSIVE: the scanned partitions, and the parent before Postgres 12', async () => {
    const withDefault = readings('CREATE TABLE readings_default PARTITION OF readings DEFAULT;\n');
    expect(await tablesOf([withDefault, attach], 12)).toEqual([['readings_2021', 'readings_default']]);
    expect(await tablesOf([withDefault, attach], 11)).toEqual([['readings', 'readings_2021', 'readings_default']]);
    expect(await tablesOf([readings(''), attach], 12)).toEqual([['readings_2021']]);
    const proven = { ...withDefault, text: `${withDefault.text}\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');` };
    expect(await tablesOf([proven, attach], 12)).toEqual([['readings_default']]);
  });

  it('still scans the default partition after another partition was detached', async () => {
    const history = readings(
      "CREATE TABLE readings_default PARTITION OF readings DEFAULT;\nCREATE TABLE readings_2020 PARTITION OF readings FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\nALTER TABLE readings DETACH PARTITION readings_2020;\n",
    );
    const proven = { ...history, text: `${history.text}\nALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at >= '2021-01-01' AND at < '2022-01-01');` };
    const findings = await runExample(rule, { files: [proven, attach], postgresVersion: 12 });
    expect(findings.map((finding) => finding.message)).toEqual(['ATTACH PARTITION readings_2021 scans every row of the default partition readings_default under an ACCESS EXCLUSIVE lock to check the bound: no validated CHECK proves it.']);
  });

  it('repeats the ATTACH without the white space before it (a vertical tab is white space to Postgres 16+)', async () => {
    const afterTab = { ...attach, text: attach.text.replace('\nALTER', '\n\vALTER') };
    const [finding] = await runExample(rule, { files: [readings(''), afterTab] });
    expect(finding?.fix?.split('\n')).toContain("   ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');");
  });

  it('spells out every step of the fix, ending with the ATTACH as written', async () => {
    const [finding] = await runExample(rule, { files: [readings(''), attach] });
    expect(finding?.fix).toBe(
      [
        'Prove the bound with a CHECK first; each step a migration of its own:',
        LOCK_TIMEOUT_STEP,
        "   ALTER TABLE readings_2021 ADD CONSTRAINT readings_2021_bound CHECK (at IS NOT NULL AND at >= '2021-01-01' AND at < '2022-01-01') NOT VALID;",
        'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
        "   SET statement_timeout = '15min';",
        '   ALTER TABLE readings_2021 VALIDATE CONSTRAINT readings_2021_bound;',
        'In the next migration (the ATTACH now skips the scan; the CHECK is redundant after it):',
        LOCK_TIMEOUT_STEP,
        "   ALTER TABLE readings ATTACH PARTITION readings_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');",
        '   ALTER TABLE readings_2021 DROP CONSTRAINT readings_2021_bound;',
        'A default partition is scanned too unless it has a validated CHECK that excludes the new bound.',
      ].join('\n'),
    );
  });
});
