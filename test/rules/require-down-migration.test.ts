/**
 * require-down-migration: the down it asks for, named after the up file's own suffix, and
 * the fix that names it.
 */
import { describe, expect, it } from 'vitest';
import type { ExampleFile } from '../../src/core/rule.js';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-down-migration')!;

async function findingsOf(files: ExampleFile[]) {
  return runExample(rule, { files });
}

describe('the expected down migration', () => {
  it.each([
    ['legacy.up.sql/migrations/001_phone.up.sql', 'legacy.up.sql/migrations/001_phone.down.sql'],
    ['migrations/2024-01-01-000000_v2.up.sql/up.sql', 'migrations/2024-01-01-000000_v2.up.sql/down.sql'],
    ['db/up.sql.d/deploy/add_phone.sql', 'db/up.sql.d/revert/add_phone.sql'],
    ['db/up.sql.d/migrations/2024-01-01-000000_phone/up.sql', 'db/up.sql.d/migrations/2024-01-01-000000_phone/down.sql'],
  ])('only the file name of %s is replaced', async (path, expected) => {
    const sibling = path.includes('/deploy/') ? [{ path: path.replace('/deploy/', '/verify/'), text: 'SELECT phone FROM users WHERE false;' }] : [];
    const findings = await findingsOf([{ path, text: 'ALTER TABLE users ADD COLUMN phone text;' }, ...sibling]);
    expect(findings.map((f) => f.message)).toEqual([`${path} has no down migration: expected ${expected}.`]);
    expect(findings[0]!.fix).toMatch(new RegExp(`^Write ${expected.replaceAll('.', '\\.')} with the statements that undo this migration`));
  });

  it('for a sqitch project at the top of the repository, is its revert script', async () => {
    const findings = await findingsOf([
      { path: 'sqitch.plan', text: '%project=shop\nadd_phone 2024-01-01T00:00:00Z Ann <ann@example.com> # phone numbers\n' },
      { path: 'deploy/add_phone.sql', text: 'ALTER TABLE users ADD COLUMN phone text;' },
    ]);
    expect(findings.map((f) => f.message)).toEqual(['deploy/add_phone.sql has no down migration: expected revert/add_phone.sql.']);
  });

  it('for a file with up and down sections, the fix asks for the down section', async () => {
    const findings = await findingsOf([{ path: 'db/migrations/20240101_phone.sql', text: '-- migrate:up\nALTER TABLE users ADD COLUMN phone text;\n-- migrate:down\n-- TODO\n' }]);
    expect(findings.map((f) => f.messageId)).toEqual(['empty']);
    expect(findings[0]!.fix).toMatch(/^Write the down section with the statements that undo this migration/);
  });
});
