/** require-not-valid-check: the finding names the table of the check among its tables. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-not-valid-check')!;

describe('require-not-valid-check findings', () => {
  it('name the table of the check', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE billing.invoices ADD CONSTRAINT invoices_total_check CHECK (total >= 0);' });
    expect(findings.map((f) => f.tables)).toEqual([['billing.invoices']]);
  });
});
