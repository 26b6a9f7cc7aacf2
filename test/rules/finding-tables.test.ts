/**
 * The tables a finding names (Finding.tables: the lock line of every format, the JSON report,
 * the production context's table lookup): for rules that name them explicitly, the table the
 * flagged statement works on, schema and all.
 */
import { describe, expect, it } from 'vitest';
import type { RuleExample } from '../../src/core/rule.js';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const CASES: readonly [ruleId: string, example: RuleExample, tables: string[][]][] = [
  ['ban-add-unique-constraint', { sql: 'ALTER TABLE billing.invoices ADD CONSTRAINT invoices_number_key UNIQUE (number);' }, [['billing.invoices']]],
  ['ban-char-field', { sql: 'ALTER TABLE billing.invoices ADD COLUMN currency char(3);' }, [['billing.invoices']]],
  ['ban-delete-data', { sql: "DELETE FROM billing.invoices WHERE status = 'void';\nTRUNCATE billing.drafts, billing.imports;" }, [['billing.invoices'], ['billing.drafts'], ['billing.imports']]],
  [
    'ban-drop-default',
    {
      files: [
        { path: 'migrations/001_init.up.sql', text: "CREATE TABLE billing.invoices (id bigint, status text NOT NULL DEFAULT 'open');", change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: 'ALTER TABLE billing.invoices ALTER COLUMN status DROP DEFAULT;' },
      ],
    },
    [['billing.invoices']],
  ],
  [
    'ban-drop-primary-key',
    {
      files: [
        { path: 'migrations/001_init.up.sql', text: 'CREATE TABLE billing.invoices (id bigint, region text, PRIMARY KEY (id, region));', change: 'unchanged' },
        { path: 'migrations/002_change.up.sql', text: 'ALTER TABLE billing.invoices DROP COLUMN region;\nALTER TABLE billing.invoices DROP CONSTRAINT invoices_pkey;' },
      ],
    },
    [['billing.invoices'], ['billing.invoices']],
  ],
  ['ban-json-column', { sql: 'ALTER TABLE billing.invoices ADD COLUMN meta json;' }, [['billing.invoices']]],
  ['ban-rename-table', { sql: 'ALTER TABLE billing.invoices RENAME TO bills;' }, [['billing.invoices']]],
  ['ban-set-not-null', { sql: 'ALTER TABLE billing.invoices ALTER COLUMN number SET NOT NULL;' }, [['billing.invoices']]],
  ['prefer-identity', { sql: 'ALTER TABLE billing.invoices ADD COLUMN seq bigserial;' }, [['billing.invoices']]],
  ['prefer-single-alter-per-table', { sql: 'BEGIN;\nALTER TABLE billing.invoices ALTER COLUMN id TYPE bigint;\nALTER TABLE billing.invoices ALTER COLUMN number SET NOT NULL;\nCOMMIT;' }, [['billing.invoices']]],
  ['prefer-text-field', { sql: 'ALTER TABLE billing.invoices ADD COLUMN number varchar(20);' }, [['billing.invoices']]],
  ['require-concurrent-partition-detach', { sql: 'ALTER TABLE billing.invoices DETACH PARTITION billing.invoices_2020;' }, [['billing.invoices']]],
  ['require-rls-policy', { sql: 'ALTER TABLE billing.invoices ENABLE ROW LEVEL SECURITY;' }, [['billing.invoices']]],
];

describe('the tables of a finding', () => {
  it.each(CASES)('of %s are those the statement works on', async (ruleId, example, tables) => {
    const findings = await runExample(findRule(ruleId)!, example);
    expect(findings.map((f) => f.tables)).toEqual(tables);
  });
});
