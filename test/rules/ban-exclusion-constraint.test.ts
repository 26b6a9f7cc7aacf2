/** ban-exclusion-constraint: the finding names the table of the constraint among its tables. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-exclusion-constraint')!;

describe('ban-exclusion-constraint findings', () => {
  it('name the table of the constraint', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE billing.bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);' });
    expect(findings.map((f) => f.tables)).toEqual([['billing.bookings']]);
  });
});
