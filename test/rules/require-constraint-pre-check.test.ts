/**
 * require-constraint-pre-check beyond its examples: each finding names the table whose rows it
 * checks, and no query is printed that the rule cannot complete.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-constraint-pre-check')!;

describe('require-constraint-pre-check', () => {
  it('names the checked table among the tables of each finding', async () => {
    const sql = [
      'CREATE UNIQUE INDEX CONCURRENTLY invoices_number_key ON billing.invoices (number);',
      'ALTER TABLE billing.invoices ALTER COLUMN number SET NOT NULL;',
      'ALTER TABLE billing.invoices ADD CONSTRAINT invoices_total_not_null NOT NULL total;',
      'ALTER TABLE billing.invoices ADD PRIMARY KEY (id);',
      'ALTER TABLE billing.invoices ADD UNIQUE (customer_id, number);',
      'ALTER TABLE billing.invoices ADD CHECK (total >= 0);',
      'ALTER TABLE billing.invoices ADD FOREIGN KEY (customer_id) REFERENCES billing.customers (id);',
    ].join('\n');
    const findings = await runExample(rule, { sql, postgresVersion: 18 });
    expect(findings.map((f) => [f.messageId, f.tables])).toEqual([
      ['duplicates', ['billing.invoices']],
      ['nulls', ['billing.invoices']],
      ['nulls', ['billing.invoices']],
      ['duplicates', ['billing.invoices']],
      ['nulls', ['billing.invoices']],
      ['duplicates', ['billing.invoices']],
      ['violations', ['billing.invoices']],
      ['orphans', ['billing.invoices']],
    ]);
  });

  it('prints no query for a unique key with an expression (its duplicates are not rows of columns)', async () => {
    expect(await runExample(rule, { sql: 'CREATE UNIQUE INDEX CONCURRENTLY users_tenant_email_key ON users (tenant_id, lower(email));' })).toEqual([]);
  });

  it('prints no query for a foreign key whose referenced columns it does not see (REFERENCES users: its primary key)', async () => {
    expect(await runExample(rule, { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users;' })).toEqual([]);
  });
});
