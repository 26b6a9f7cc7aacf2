/** prefer-timestamptz: the finding names the table of the column among its tables. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('prefer-timestamptz')!;

describe('prefer-timestamptz findings', () => {
  it('name the table of the column', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE billing.invoices ADD COLUMN paid_at timestamp;' });
    expect(findings.map((f) => f.tables)).toEqual([['billing.invoices']]);
  });
});
