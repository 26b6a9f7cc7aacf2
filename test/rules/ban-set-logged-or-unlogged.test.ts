/** ban-set-logged-or-unlogged: the findings name the rewritten table. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-set-logged-or-unlogged')!;

describe('the findings', () => {
  it('name the table, for SET LOGGED and SET UNLOGGED', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE staging.imports SET UNLOGGED;\nALTER TABLE staging.imports SET LOGGED;' });
    expect(findings.map((f) => f.tables)).toEqual([['staging.imports'], ['staging.imports']]);
  });
});
