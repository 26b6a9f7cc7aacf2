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

const LOCK_TIMEOUT = "   SET lock_timeout = '2s';  -- in each of these migrations: fail fast instead of queueing behind long queries";

/** The findings on attaching `index` to events, after `history` (unchanged migrations) built it. */
async function findingsAfter(history: string, index: string, postgresVersion: number) {
  return runExample(rule, {
    postgresVersion,
    files: [
      { path: 'migrations/20260101000000_events_key.up.sql', text: history, change: 'unchanged' },
      { path: 'migrations/20260101000001_events_pkey.up.sql', text: `ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX ${index};` },
    ],
  });
}

describe('nullable key columns', () => {
  it('on Postgres 12: names every nullable column, and proves each with a CHECK before attaching the index', async () => {
    const findings = await findingsAfter('CREATE TABLE events (id bigint, tenant_id bigint);\nCREATE UNIQUE INDEX CONCURRENTLY events_tenant_id_idx ON events (tenant_id, id);', 'events_tenant_id_idx', 12);
    expect(findings.map((f) => [f.message, f.tables, f.severity])).toEqual([
      ['PRIMARY KEY USING INDEX events_tenant_id_idx sets NOT NULL on tenant_id, id of events, scanning every row under an ACCESS EXCLUSIVE lock.', ['events'], 'error'],
    ]);
    expect(findings[0]!.fix!.split('\n')).toEqual([
      'Prove the columns NOT NULL first, then attach the index; each step a migration of its own:',
      LOCK_TIMEOUT,
      '   ALTER TABLE events ADD CONSTRAINT events_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;',
      '   ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;',
      'In the next migration (VALIDATE takes only SHARE UPDATE EXCLUSIVE):',
      "   SET statement_timeout = '15min';",
      '   ALTER TABLE events VALIDATE CONSTRAINT events_tenant_id_not_null;',
      '   ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;',
      'In the next migration:',
      LOCK_TIMEOUT,
      '   ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_tenant_id_idx;',
    ]);
  });

  /** The findings on attaching events_id_idx after a migration of the change proved events.id NOT NULL with a validated CHECK. */
  async function findingsAfterCheck(postgresVersion: number) {
    return runExample(rule, {
      postgresVersion,
      files: [
        { path: 'migrations/20260101000000_events_id.up.sql', text: 'CREATE TABLE events (id bigint);\nCREATE UNIQUE INDEX CONCURRENTLY events_id_idx ON events (id);', change: 'unchanged' },
        { path: 'migrations/20260101000001_events_id_nn.up.sql', text: 'ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL);' },
        { path: 'migrations/20260101000002_events_pkey.up.sql', text: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' },
      ],
    });
  }

  it('a validated CHECK (id IS NOT NULL) lets Postgres 12 skip the scan', async () => {
    expect(await findingsAfterCheck(12)).toEqual([]);
  });

  it('before Postgres 12 the validated CHECK does not help', async () => {
    expect((await findingsAfterCheck(11)).map((f) => f.message)).toEqual([
      'PRIMARY KEY USING INDEX events_id_idx sets NOT NULL on id of events, scanning every row under an ACCESS EXCLUSIVE lock.',
    ]);
  });
});

describe('an index the migrations do not show', () => {
  it('is a warning on the table, not an error: its columns may well be NOT NULL', async () => {
    const findings = await runExample(rule, { sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' });
    expect(findings.map((f) => [f.message, f.tables, f.severity])).toEqual([
      ['PRIMARY KEY USING INDEX events_id_idx: the migrations do not show its columns, so they may be nullable; if so Postgres scans events under an ACCESS EXCLUSIVE lock to set NOT NULL.', ['events'], 'warning'],
    ]);
  });
});
