/** ban-domain-constraints: the fix for an unnamed domain CHECK uses the name Postgres gives it (<domain>_check). */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-domain-constraints')!;

describe('the fix', () => {
  it('names an unnamed domain CHECK <domain>_check', async () => {
    const findings = await runExample(rule, { sql: "ALTER DOMAIN email ADD CHECK (VALUE LIKE '%@%');" });
    expect(findings.map((f) => f.fix?.split('\n').slice(1))).toEqual([
      ['   ALTER DOMAIN email ADD CONSTRAINT email_check CHECK (<condition>) NOT VALID;', '   ALTER DOMAIN email VALIDATE CONSTRAINT email_check;'],
    ]);
  });
});

describe('the constraint named in the fix', () => {
  it('is the added constraint\'s own name when it has one', async () => {
    const findings = await runExample(rule, { sql: "ALTER DOMAIN email ADD CONSTRAINT email_at CHECK (VALUE LIKE '%@%');" });
    expect(findings.map((f) => f.details.constraint)).toEqual(['email_at']);
  });

  it('of CREATE DOMAIN is <domain>_check, the name Postgres gives its unnamed CHECK', async () => {
    const findings = await runExample(rule, { sql: "CREATE DOMAIN billing.email AS text CHECK (VALUE LIKE '%@%');" });
    expect(findings.map((f) => f.fix?.split('\n')[1])).toEqual(['   ALTER DOMAIN billing.email ADD CONSTRAINT email_check CHECK (<condition>) NOT VALID;']);
  });
});
