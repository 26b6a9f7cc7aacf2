/** The table ban-set-tablespace names in its findings (shown in the lock line of every format). */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-set-tablespace')!;

describe('the locked table', () => {
  it('is the moved table', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE archive.events SET TABLESPACE cold_hdd;' });
    expect(findings.map((f) => f.tables)).toEqual([['archive.events']]);
  });
});
