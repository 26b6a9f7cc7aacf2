/**
 * parse-error: each kind of parse issue becomes its message, at its severity, naming no
 * table (nothing was checked, so no table is known).
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('parse-error')!;

async function findingsOf(sql: string) {
  return (await runExample(rule, { sql })).map((f) => ({ messageId: f.messageId, severity: f.severity, tables: f.tables }));
}

describe('parse issues', () => {
  it('a syntax error blocks', async () => {
    expect(await findingsOf('ALTER TABLE users ADD COLUMN;')).toEqual([{ messageId: 'syntaxError', severity: 'error', tables: [] }]);
  });

  it('a file that stops parsing blocks: the rest of it was not checked', async () => {
    const findings = await runExample(rule, { sql: 'name: users\ncolumns: [id, email]\n;\n'.repeat(120) });
    const limit = findings.filter((f) => f.messageId === 'limit');
    expect(limit.map((f) => [f.message, f.severity, f.tables])).toEqual([
      ['Not checked: more than 100 statements of this file do not parse (is it SQL?), and the rest of the file was skipped.', 'error', []],
    ]);
  });

  it('SQL built at run time is a warning', async () => {
    expect(await findingsOf("DO $$BEGIN EXECUTE 'DROP TABLE ' || quote_ident(current_setting('app.t')); END$$;")).toEqual([{ messageId: 'dynamicSql', severity: 'warning', tables: [] }]);
  });

  it('a psql meta-command is a notice', async () => {
    expect(await findingsOf('\\set ON_ERROR_STOP on\nSELECT 1;')).toEqual([{ messageId: 'metaCommand', severity: 'notice', tables: [] }]);
  });

  it("a migration tool's note keeps the note's severity", async () => {
    const findings = await runExample(rule, { files: [{ path: 'db/deploy/add_phone.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' }, { path: 'db/revert/add_phone.sql', text: 'ALTER TABLE users DROP COLUMN phone;' }] });
    expect(findings.map((f) => [f.messageId, f.severity, f.tables])).toContainEqual(['convention', 'notice', []]);
  });
});
