/** prefer-robust-statements: the fix for a DROP INDEX CONCURRENTLY without IF EXISTS is the same drop with it. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('prefer-robust-statements')!;

describe('the fix for a DROP INDEX CONCURRENTLY', () => {
  it('adds IF EXISTS and keeps the schema', async () => {
    const findings = await runExample(rule, { sql: 'DROP INDEX CONCURRENTLY billing.invoices_due_idx;' });
    expect(findings.map((f) => f.fix)).toEqual(['Add IF EXISTS, so that a rerun after a partial migration goes on:\n   DROP INDEX CONCURRENTLY IF EXISTS billing.invoices_due_idx;']);
  });
});
