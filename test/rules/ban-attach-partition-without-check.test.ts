/**
 * The CHECK that ban-attach-partition-without-check suggests: an expression equivalent to the
 * partition bound when the key is one column and the bound is made of constants (Postgres
 * proves the bound from it by predicate implication and skips the scan), a placeholder otherwise.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
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
    expect(await suggestedCheck('CREATE TABLE logs (id bigint) PARTITION BY HASH (id);', 'CREATE TABLE logs_0 (id bigint);', 'ALTER TABLE logs ATTACH PARTITION logs_0 FOR VALUES WITH (MODULUS 4, REMAINDER 0);')).toContain(placeholder('logs'));
    expect(await suggestedCheck('SELECT 1;', 'SELECT 2;', "ALTER TABLE measurements ATTACH PARTITION measurements_2021 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');")).toContain(placeholder('measurements'));
  });
});
