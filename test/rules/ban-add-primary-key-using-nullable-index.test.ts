/**
 * ban-add-primary-key-using-nullable-index: the fix before Postgres 12 (nothing avoids the
 * scan) and the constraint name Postgres derives for an unnamed primary key.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-add-primary-key-using-nullable-index')!;

async function fixFor(attach: string, postgresVersion: number): Promise<string[]> {
  const findings = await runExample(rule, {
    postgresVersion,
    files: [
      { path: 'migrations/20260101000000_events_id.up.sql', text: 'CREATE TABLE events (id bigint);\nCREATE UNIQUE INDEX CONCURRENTLY events_id_idx ON events (id);', change: 'unchanged' },
      { path: 'migrations/20260101000001_events_pkey.up.sql', text: attach },
    ],
  });
  expect(findings).toHaveLength(1);
  return findings[0]!.fix!.split('\n');
}

describe('the fix', () => {
  it('before Postgres 12 says nothing avoids the scan', async () => {
    const fix = await fixFor('ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;', 11);
    expect(fix[0]).toBe('Before Postgres 12 nothing avoids the scan: run it in a maintenance window, or upgrade and prove the columns NOT NULL first; each step a migration of its own:');
  });

  it('names an unnamed primary key <table>_pkey, as Postgres does', async () => {
    const fix = await fixFor('ALTER TABLE events ADD PRIMARY KEY USING INDEX events_id_idx;', 15);
    expect(fix.at(-1)).toBe('   ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;');
  });
});
