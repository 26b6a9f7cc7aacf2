/** ban-change-indexed-column-collation: the table it names and the index it suggests building with the new collation. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-change-indexed-column-collation')!;

describe('the finding', () => {
  it('names the table, and suggests a <table>_<column>_collate_idx index with the schema-qualified collation', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_users_email.up.sql', text: 'CREATE INDEX users_email_idx ON users (email);', change: 'unchanged' },
        { path: 'migrations/20260101000001_collation.up.sql', text: 'ALTER TABLE users ALTER COLUMN email TYPE text COLLATE pg_catalog."C";' },
      ],
    });
    expect(findings.map((f) => f.tables)).toEqual([['users']]);
    expect(findings[0]!.fix).toContain('   CREATE INDEX CONCURRENTLY users_email_collate_idx ON users (email COLLATE pg_catalog."C");');
  });
});
