/** ban-rename-object: a renamed view or sequence names its relation; a sequence (followed by OID in defaults) is a warning. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-rename-object')!;

describe('the findings', () => {
  it('of a view: an error on the view; of a sequence: a warning on the sequence', async () => {
    const findings = await runExample(rule, { sql: 'ALTER VIEW reporting.active_users RENAME TO current_users;\nALTER SEQUENCE billing.invoice_number_seq RENAME TO invoice_no_seq;' });
    expect(findings.map((f) => [f.severity, f.tables])).toEqual([
      ['error', ['reporting.active_users']],
      ['warning', ['billing.invoice_number_seq']],
    ]);
  });

  it('of a view: the lock of the relation; of a type: an error without a lock', async () => {
    const findings = await runExample(rule, { sql: 'ALTER VIEW active_users RENAME TO current_users;\nALTER TYPE order_status RENAME TO order_state;' });
    expect(findings.map((f) => [f.severity, f.lock?.mode ?? null])).toEqual([
      ['error', 'ACCESS EXCLUSIVE'],
      ['error', null],
    ]);
  });
});
