/** The table ban-volatile-default names in its findings (shown in the lock line of every format). */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-volatile-default')!;

describe('the locked table', () => {
  it('is the altered table, for a volatile default and for any default before 11', async () => {
    const volatile = await runExample(rule, { sql: 'ALTER TABLE billing.invoices ADD COLUMN token uuid DEFAULT gen_random_uuid();' });
    const before11 = await runExample(rule, { sql: 'ALTER TABLE billing.invoices ADD COLUMN paid boolean DEFAULT false;', postgresVersion: 10 });
    expect([...volatile, ...before11].map((f) => [f.messageId, f.tables])).toEqual([
      ['volatileDefault', ['billing.invoices']],
      ['defaultBefore11', ['billing.invoices']],
    ]);
  });
});

describe('the fix', () => {
  it('adds the column with its declared type', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();' });
    expect(findings.map((f) => f.fix?.split('\n')[3])).toEqual(['   ALTER TABLE users ADD COLUMN token uuid;']);
  });
});

// NOTE: typmods that are not numbers (PostGIS's geometry(Point, 4326)) cannot be written back from the tree.
it('a type it cannot write back appears in the fix as a <type> placeholder', async () => {
  const findings = await runExample(rule, { sql: 'ALTER TABLE places ADD COLUMN geom geometry(Point, 4326) DEFAULT ST_MakePoint(random(), random());' });
  expect(findings[0]?.fix?.split('\n')).toContain('   ALTER TABLE places ADD COLUMN geom <type>;');
});
