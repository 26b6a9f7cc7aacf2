/**
 * support/index-rebuild, through require-invalid-index-recovery: only a DROP INDEX that runs
 * before the build (the first drop of the name in the file) protects it from a leftover.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-invalid-index-recovery')!;

const BUILD = 'CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);';
const DROP = 'DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;';

describe('a drop of the leftover', () => {
  it('after the build does not protect it', async () => {
    const findings = await runExample(rule, { sql: `${BUILD}\n${DROP}` });
    expect(findings.map((f) => f.messageId)).toEqual(['keepsInvalid']);
  });

  it('before the build protects it, even when the file drops the index again later', async () => {
    const findings = await runExample(rule, { sql: `${DROP}\n${BUILD}\n${DROP}` });
    expect(findings).toEqual([]);
  });
});

describe('a drop in the previous migration', () => {
  const build = { path: 'db/v2/20240102000000_build.up.sql', text: BUILD };
  it('protects the build when it is in the same directory', async () => {
    const findings = await runExample(rule, { files: [{ path: 'db/v2/20240101000000_drop.up.sql', text: DROP }, build] });
    expect(findings).toEqual([]);
  });

  it('does not protect it from another directory, even one whose name differs only in its last letter', async () => {
    const findings = await runExample(rule, { files: [{ path: 'db/v1/20240101000000_drop.up.sql', text: DROP }, build] });
    expect(findings.map((f) => f.messageId)).toEqual(['keepsInvalid']);
  });
});

describe('the suggested rebuild', () => {
  it('keeps the continuation lines of the build indented with the fix', async () => {
    const [finding] = await runExample(findRule('prefer-robust-statements')!, { sql: 'CREATE INDEX CONCURRENTLY users_email_idx\n  ON users (email)\n  WHERE email IS NOT NULL;' });
    expect(finding!.fix!.split('\n').slice(-3)).toEqual(['   CREATE INDEX CONCURRENTLY users_email_idx', '     ON users (email)', '     WHERE email IS NOT NULL;']);
  });
});
