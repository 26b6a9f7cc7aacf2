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
    expect(listed.map((f) => f.message)).toEqual(['VACUUM FULL rewrites billing.orders, billing.order_lines while blocking all reads and writes.']);
  });

  it('leaves out the tables created in this change', async () => {
    const findings = await runExample(rule, { sql: 'CREATE TABLE imports (id bigint);\nVACUUM FULL imports, users;' });
    expect(findings.map((f) => [f.message, f.tables])).toEqual([['VACUUM FULL rewrites users while blocking all reads and writes.', ['users']]]);
  });
});

describe('CLUSTER', () => {
  it('names the operation and its table', async () => {
    const findings = await runExample(rule, { sql: 'CLUSTER users USING users_pkey;' });
    expect(findings.map((f) => [f.message, f.tables])).toEqual([['CLUSTER rewrites users while blocking all reads and writes.', ['users']]]);
  });
});
