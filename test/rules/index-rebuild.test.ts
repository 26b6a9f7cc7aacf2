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
