/** ban-lock-table: the findings name each locked table with the mode the statement takes. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-lock-table')!;

describe('the findings', () => {
  it('name each locked table and its mode', async () => {
    const findings = await runExample(rule, { sql: 'BEGIN;\nLOCK TABLE billing.orders, billing.order_lines IN SHARE ROW EXCLUSIVE MODE;\nCOMMIT;' });
    expect(findings.map((f) => [f.tables, f.lock?.mode])).toEqual([
      [['billing.orders'], 'SHARE ROW EXCLUSIVE'],
      [['billing.order_lines'], 'SHARE ROW EXCLUSIVE'],
    ]);
  });
});
