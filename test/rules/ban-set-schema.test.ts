/** ban-set-schema: a moved table is named as the locked relation. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-set-schema')!;

describe('the finding', () => {
  it('of a moved table names the table by its old name', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE public.invoices SET SCHEMA billing;' });
    expect(findings.map((f) => [f.message, f.tables])).toEqual([['Moving table public.invoices to schema billing breaks code that still names it as public.invoices.', ['public.invoices']]]);
  });
});

describe('a moved function', () => {
  it('is reported even when a table the change creates has its name: only tables are new', async () => {
    const findings = await runExample(rule, { sql: 'CREATE TABLE audit_events (id bigint);\nALTER FUNCTION audit_events() SET SCHEMA archive;' });
    expect(findings.map((f) => f.message)).toEqual(['Moving function audit_events to schema archive breaks code that still names it as audit_events.']);
  });
});
