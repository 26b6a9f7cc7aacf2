/**
 * unused-ignore: an ignore comment that names no rule suppresses nothing, and the message
 * says that it names none.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('unused-ignore')!;

describe('an ignore comment with a reason but no rule id', () => {
  it('is reported as naming no rule', async () => {
    const findings = await runExample(rule, { sql: '-- migration-guard:ignore reason: the table is empty\nALTER TABLE users DROP COLUMN email;' });
    expect(findings.map((f) => f.message)).toEqual([
      'This ignore comment for <no rule id> suppressed nothing; check the rule id and that it sits right above the statement, or remove it.',
    ]);
  });
});

describe('the findings of an ignore comment', () => {
  it('name no table and no lock: the comment changes no schema', async () => {
    const findings = await runExample(rule, { sql: '-- migration-guard:ignore ban-drop-colum ban-rename-column reason: phase 3\nALTER TABLE users DROP COLUMN email;' });
    expect(findings.map((f) => [f.messageId, f.tables, f.lock])).toEqual([
      ['unknownRule', [], null],
      ['unused', [], null],
    ]);
  });
});
