/** ban-refresh-materialized-view-blocking: the finding names the view and the unique index it suggests (<view>_key). */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-refresh-materialized-view-blocking')!;

describe('the finding', () => {
  it('names the view and suggests the index <view>_key', async () => {
    const findings = await runExample(rule, { sql: 'REFRESH MATERIALIZED VIEW reporting.daily_totals;' });
    expect(findings.map((f) => f.tables)).toEqual([['reporting.daily_totals']]);
    expect(findings[0]!.fix).toContain('   DROP INDEX CONCURRENTLY IF EXISTS daily_totals_key;');
  });
});
