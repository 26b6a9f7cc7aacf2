/**
 * The names a fix derives for the objects it tells the reader to create (a constraint, an
 * index, an archive table): spelled from the finding's table and columns, as Postgres would
 * name them, so the printed SQL is the SQL to run.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

async function fixesOf(ruleId: string, sql: string): Promise<string[]> {
  return (await runExample(findRule(ruleId)!, { sql })).map((f) => f.fix ?? '');
}

describe('the names in a fix', () => {
  it('ban-set-not-null: the NOT NULL CHECK is <table>_<column>_not_null', async () => {
    const [fix] = await fixesOf('ban-set-not-null', 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;');
    expect(fix).toContain('ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;');
    expect(fix).toContain('ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;');
  });

  it('prefer-text-field: the length CHECK is <table>_<column>_length', async () => {
    const [fix] = await fixesOf('prefer-text-field', 'ALTER TABLE users ADD COLUMN nickname varchar(40);');
    expect(fix).toContain('nickname text CONSTRAINT users_nickname_length CHECK (char_length(nickname) <= 40)');
  });

  it('require-not-valid-foreign-key: the index on the referencing columns is <table>_<columns>_idx', async () => {
    const [fix] = await fixesOf('require-not-valid-foreign-key', 'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);');
    expect(fix).toContain('CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);');
  });

  it('ban-delete-data: the archive of the table is <table>_archive, for DELETE and for each truncated table', async () => {
    const fixes = await fixesOf('ban-delete-data', "DELETE FROM sessions WHERE created_at < now() - interval '90 days';\nTRUNCATE audit_log;");
    expect(fixes.map((fix) => fix.match(/CREATE TABLE (\S+) AS/)?.[1])).toEqual(['sessions_archive', 'audit_log_archive']);
  });
});

describe('ban-delete-data', () => {
  it('claims the ACCESS EXCLUSIVE lock of TRUNCATE, and no lock for DELETE', async () => {
    const findings = await runExample(findRule('ban-delete-data')!, { sql: "DELETE FROM sessions WHERE created_at < now() - interval '90 days';\nTRUNCATE audit_log;" });
    expect(findings.map((f) => [f.messageId, f.lock?.mode ?? null])).toEqual([
      ['delete', null],
      ['truncate', 'ACCESS EXCLUSIVE'],
    ]);
  });
});
