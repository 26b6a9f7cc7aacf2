/** ban-drop-object: a dropped view names its relation and locks it; a dropped routine is a warning without a lock. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-drop-object')!;

describe('the findings', () => {
  it('of a view: an error on the view; of a function: a warning', async () => {
    const findings = await runExample(rule, { sql: 'DROP VIEW reporting.active_users;\nDROP FUNCTION normalize_email(text);' });
    expect(findings.map((f) => [f.severity, f.tables, f.lock?.mode ?? null])).toEqual([
      ['error', ['reporting.active_users'], 'ACCESS EXCLUSIVE'],
      ['warning', [], null],
    ]);
  });

  it('of a type: an error without a lock (only routines are warnings)', async () => {
    const findings = await runExample(rule, { sql: 'DROP TYPE order_status;' });
    expect(findings.map((f) => [f.severity, f.tables, f.lock?.mode ?? null])).toEqual([['error', [], null]]);
  });
});
