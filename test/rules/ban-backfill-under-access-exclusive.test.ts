/** ban-backfill-under-access-exclusive's finding names the backfilled table among its tables. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-backfill-under-access-exclusive')!;

describe('ban-backfill-under-access-exclusive findings', () => {
  it('name the table the backfill writes', async () => {
    const findings = await runExample(rule, { sql: "BEGIN;\nALTER TABLE billing.invoices ADD COLUMN currency text;\nUPDATE billing.invoices SET currency = 'EUR';\nCOMMIT;" });
    expect(findings.map((f) => [f.messageId, f.tables])).toEqual([['heldLock', ['billing.invoices']]]);
  });
});
