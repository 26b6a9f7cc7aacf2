/** ban-disable-triggers: the table its findings name, and the lower severity of DISABLE TRIGGER USER. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-disable-triggers')!;

describe('the findings', () => {
  it('name the table; ALL is an error (it disables foreign keys too), USER a warning', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE billing.orders DISABLE TRIGGER ALL;\nALTER TABLE billing.orders DISABLE TRIGGER USER;' });
    expect(findings.map((f) => [f.messageId, f.severity, f.tables])).toEqual([
      ['all', 'error', ['billing.orders']],
      ['user', 'warning', ['billing.orders']],
    ]);
  });
});
