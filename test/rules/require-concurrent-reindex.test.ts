/** require-concurrent-reindex: the fix keeps the kind of REINDEX and its target, and the finding names the target as its table. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-concurrent-reindex')!;

describe('require-concurrent-reindex findings', () => {
  it('of a table: the concurrent REINDEX TABLE of that table', async () => {
    const findings = await runExample(rule, { sql: 'REINDEX TABLE billing.orders;' });
    expect(findings.map((f) => [f.fix?.split('\n')[1], f.tables])).toEqual([['   REINDEX TABLE CONCURRENTLY billing.orders;', ['billing.orders']]]);
  });

  it('of the current database (Postgres 16+): REINDEX DATABASE CONCURRENTLY without a name, and no table', async () => {
    const findings = await runExample(rule, { sql: 'REINDEX DATABASE;', postgresVersion: 16 });
    expect(findings.map((f) => [f.fix?.split('\n')[1], f.tables])).toEqual([['   REINDEX DATABASE CONCURRENTLY;', []]]);
  });
});
