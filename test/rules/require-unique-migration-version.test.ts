/**
 * What require-unique-migration-version's findings carry besides their message: the fix names
 * the directory the tool scans (`.` at the repository root), and no table.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-unique-migration-version')!;

describe('require-unique-migration-version findings', () => {
  it('the fix and the details name the migrations directory; the finding names no table', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'db/migration/V7__add_address.sql', text: 'ALTER TABLE users ADD COLUMN address text;', change: 'unchanged' },
        { path: 'db/migration/V7__add_phone.sql', text: 'ALTER TABLE users ADD COLUMN phone text;', change: 'added' },
      ],
    });
    expect(findings.map((f) => [f.fix, f.details.directory, f.tables])).toEqual([
      ['Renumber db/migration/V7__add_phone.sql to a version after every existing migration in db/migration (e.g. a new timestamp), and rename its down file to match.', 'db/migration', []],
    ]);
  });

  it('migrations at the repository root: the directory is .', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: '005_add_phone.up.sql', text: 'CREATE TABLE phones (id bigint);', change: 'unchanged' },
        { path: '005_add_address.up.sql', text: 'CREATE TABLE addresses (id bigint);', change: 'added' },
      ],
    });
    expect(findings.map((f) => [f.fix, f.details.directory])).toEqual([
      ['Renumber 005_add_address.up.sql to a version after every existing migration in . (e.g. a new timestamp), and rename its down file to match.', '.'],
    ]);
  });
});
