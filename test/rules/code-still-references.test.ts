/**
 * code-still-references points its finding at the line of code, not at the migration: the
 * code is what has to change first.
 */
import { expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('code-still-references')!;

it('places the finding on the code reference: its file, line and column', async () => {
  const findings = await runExample(rule, {
    sql: 'ALTER TABLE users DROP COLUMN email;',
    facts: { now: '2026-11-25T12:00:00Z', references: { 'users.email': [{ path: 'internal/user.go', line: 12, column: 2, text: 'Email string `db:"email"`' }] } },
  });
  expect(findings.map((f) => ({ file: f.file, start: f.span.start, end: f.span.end }))).toEqual([
    { file: 'internal/user.go', start: { line: 12, column: 2 }, end: { line: 12, column: 2 } },
  ]);
});
