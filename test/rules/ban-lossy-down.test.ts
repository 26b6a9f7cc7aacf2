/**
 * ban-lossy-down: the rename its fix suggests instead of the drop, what the finding says it
 * locks, and the down statements it reads without reporting them.
 */
import { describe, expect, it } from 'vitest';
import type { ExampleFile } from '../../src/core/rule.js';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('ban-lossy-down')!;

function pair(up: string, down: string): ExampleFile[] {
  return [
    { path: 'migrations/010_change.up.sql', text: up },
    { path: 'migrations/010_change.down.sql', text: down },
  ];
}

describe('a down that drops data older than the up', () => {
  it('a table: renamed instead, in its schema; the finding locks it ACCESS EXCLUSIVE', async () => {
    const findings = await runExample(rule, { files: pair('ALTER TABLE billing.invoices ADD COLUMN note text;', 'DROP TABLE billing.invoices;') });
    expect(findings.map((f) => [f.messageId, f.file, f.tables, f.lock?.mode])).toEqual([['dropExistingTable', 'migrations/010_change.down.sql', ['billing.invoices'], 'ACCESS EXCLUSIVE']]);
    expect(findings[0]!.fix).toContain('\n   ALTER TABLE billing.invoices RENAME TO invoices_rolled_back;\n');
  });

  it('a column: renamed instead; the finding locks its table ACCESS EXCLUSIVE', async () => {
    const findings = await runExample(rule, { files: pair('ALTER TABLE users ADD COLUMN phone text;', 'ALTER TABLE users DROP COLUMN phone;\nALTER TABLE users DROP COLUMN "Email";') });
    expect(findings.map((f) => [f.messageId, f.message, f.tables, f.lock?.mode])).toEqual([
      ['dropExistingColumn', 'Rolling back drops column users.Email, which existed before migrations/010_change.up.sql: values written before the deploy are lost with it.', ['users'], 'ACCESS EXCLUSIVE'],
    ]);
    expect(findings[0]!.fix).toContain('\n   ALTER TABLE users RENAME COLUMN "Email" TO "Email_rolled_back";\n');
  });

  it('compares column names in lower case: straße and strasse, the same in upper case, are different columns', async () => {
    const findings = await runExample(rule, { files: pair('ALTER TABLE addresses ADD COLUMN strasse text;', 'ALTER TABLE addresses DROP COLUMN "straße";') });
    expect(findings.map((f) => f.messageId)).toEqual(['dropExistingColumn']);
  });
});

describe('down statements read without error', () => {
  it('a whole-row reference (users.*) in an UPDATE copies no single column', async () => {
    const findings = await runExample(rule, {
      files: pair('ALTER TABLE users ADD COLUMN settings jsonb;', 'UPDATE users SET profile_backup = to_jsonb(users.*);\nALTER TABLE users DROP COLUMN settings;'),
    });
    expect(findings).toEqual([]);
  });
});
