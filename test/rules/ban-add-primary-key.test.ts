/** ban-add-primary-key: when every key column is known NOT NULL, the fix builds the index concurrently and attaches it. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-add-primary-key')!;

describe('the fix for NOT NULL key columns', () => {
  it('starts with the concurrent build and attach', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_events.up.sql', text: 'CREATE TABLE events (id bigint NOT NULL, at timestamptz);', change: 'unchanged' },
        { path: 'migrations/20260101000001_events_pkey.up.sql', text: 'ALTER TABLE events ADD PRIMARY KEY (id);' },
      ],
    });
    expect(findings.map((f) => f.fix?.split('\n')[0])).toEqual(['Build the index concurrently, then attach it; each step a migration of its own:']);
  });
});

describe('the fix for nullable key columns', () => {
  it('proves each column NOT NULL with a named check, then builds the key index under the default name', async () => {
    const [finding, ...others] = await runExample(rule, { sql: 'ALTER TABLE events ADD PRIMARY KEY (tenant_id, id);' });
    expect(others).toEqual([]);
    expect(finding!.tables).toEqual(['events']);
    const lines = finding!.fix!.split('\n');
    expect(lines).toContain('   ALTER TABLE events ADD CONSTRAINT events_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID, ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;');
    expect(lines).toContain('   ALTER TABLE events VALIDATE CONSTRAINT events_tenant_id_not_null, VALIDATE CONSTRAINT events_id_not_null;');
    expect(lines).toContain('   CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (tenant_id, id);');
  });
});
