/** prefer-bigint: the finding names the table of the key column among its tables. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('prefer-bigint')!;

describe('prefer-bigint findings', () => {
  it('name the table of the key column', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE billing.invoices ADD COLUMN customer_id integer;' });
    expect(findings.map((f) => f.tables)).toEqual([['billing.invoices']]);
  });
});
