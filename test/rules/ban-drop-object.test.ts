/** ban-drop-object: a dropped view names its relation and locks it; a dropped routine is a warning without a lock. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-drop-object')!;

describe('the findings', () => {
  it('of a view: an error on the view; of a function: a warning', async () => {
    const findings = await runExample(rule, { sql: 'DROP VIEW reporting.active_users;\nDROP FUNCTION normalize_email(text);' });
    expect(findings.map((f) => [f.severity, f.tables, f.lock?.mode ?? null])).toEqual([
      ['error', ['reporting.active_users'], 'ACCESS EXCLUSIVE'],
      ['warning', [], null],
    ]);
  });

  it('of a type: an error without a lock (only routines are warnings)', async () => {
    const findings = await runExample(rule, { sql: 'DROP TYPE order_status;' });
    expect(findings.map((f) => [f.severity, f.tables, f.lock?.mode ?? null])).toEqual([['error', [], null]]);
  });
});

describe('what the change created before (support/named-objects.ts)', () => {
  const dropped = async (files: Parameters<typeof runExample>[1]['files']) => (await runExample(rule, { files })).map((f) => f.message);

  it('an object created earlier in the same file is new, also in an edited applied migration', async () => {
    const text = 'CREATE VIEW active_users_v2 AS SELECT 1 AS id;\nDROP VIEW active_users_v2;';
    expect(await dropped([{ path: 'migrations/20250101000000_views.up.sql', text, change: 'modified', baseText: 'SELECT 1;' }])).toEqual([]);
  });

  it('a Down section written before the Up section re-creates the view only on rollback', async () => {
    const text = '-- +goose Down\nCREATE VIEW active_users AS SELECT 1 AS id;\n-- +goose Up\nDROP VIEW active_users;';
    expect(await dropped([{ path: 'migrations/20260101000000_drop_active_users.sql', text }])).toHaveLength(1);
  });

  it('knows every kind of CREATE that makes a name: a foreign table, a range type, a domain', async () => {
    const sql = [
      'CREATE FOREIGN TABLE remote_orders (id bigint) SERVER archive;',
      'DROP FOREIGN TABLE remote_orders;',
      'CREATE TYPE floatrange AS RANGE (subtype = float8);',
      'DROP TYPE floatrange;',
      'CREATE DOMAIN email_address AS text;',
      'DROP DOMAIN email_address;',
    ].join('\n');
    expect(await dropped([{ path: 'migrations/20260101000000_scratch.up.sql', text: sql }])).toEqual([]);
  });

  it('a view re-created later in the same transaction, as a table or a materialized view, is never missing', async () => {
    const sql = 'BEGIN;\nDROP VIEW report;\nCREATE TABLE report (id bigint);\nDROP MATERIALIZED VIEW daily_totals;\nCREATE MATERIALIZED VIEW daily_totals AS SELECT 1 AS n;\nCOMMIT;';
    expect(await dropped([{ path: 'migrations/20260101000000_rebuild.up.sql', text: sql }])).toEqual([]);
  });

  it('a name created in another name space is another object', async () => {
    const sql = "CREATE FUNCTION active_users() RETURNS SETOF bigint LANGUAGE sql AS 'SELECT 1::bigint';\nDROP VIEW active_users;";
    expect(await dropped([{ path: 'migrations/20260101000000_users_function.up.sql', text: sql }])).toHaveLength(1);
    const table = "CREATE TABLE audit_log (id bigint);\nDROP FUNCTION audit_log();";
    expect(await dropped([{ path: 'migrations/20260101000000_audit_table.up.sql', text: table }])).toHaveLength(1);
  });
});
