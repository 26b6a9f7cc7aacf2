/** ban-vacuum-full-cluster-reindex: the tables a VACUUM FULL names, none when it runs on the whole database. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-vacuum-full-cluster-reindex')!;

describe('VACUUM FULL', () => {
  it('names the tables it lists, and none for the whole database', async () => {
    const listed = await runExample(rule, { sql: 'VACUUM FULL billing.orders, billing.order_lines;' });
    const everything = await runExample(rule, { sql: 'VACUUM FULL;' });
    expect([...listed, ...everything].map((f) => f.tables)).toEqual([['billing.orders', 'billing.order_lines'], []]);
  });
});
