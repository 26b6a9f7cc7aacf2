/**
 * require-ignore-reason: the message and fix name the comment's kind and its rules as
 * written, so the fix can be pasted back.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-ignore-reason')!;

async function findingsOf(sql: string) {
  return (await runExample(rule, { sql })).map((f) => ({ message: f.message, fix: f.fix?.split('\n')[1], tables: f.tables }));
}

describe('an ignore comment without a reason', () => {
  it('a statement-level ignore of two rules', async () => {
    expect(await findingsOf('-- migration-guard:ignore ban-drop-column require-lock-timeout\nALTER TABLE users DROP COLUMN email;')).toEqual([
      {
        message: 'This ignore comment for ban-drop-column require-lock-timeout has no reason, so it suppresses nothing: add "reason: <why this is safe>".',
        fix: '  -- migration-guard:ignore ban-drop-column require-lock-timeout reason: <why this is safe, e.g. the table is empty / phase 3 of #123>',
        tables: [],
      },
    ]);
  });

  it('a file-level ignore', async () => {
    expect((await findingsOf('-- migration-guard:ignore-file require-lock-timeout\nALTER TABLE users ADD COLUMN phone text;')).map((f) => f.message)).toEqual([
      'This ignore-file comment for require-lock-timeout has no reason, so it suppresses nothing: add "reason: <why this is safe>".',
    ]);
  });

  it('an ignore that names no rule: the fix shows where the rule id goes', async () => {
    expect((await findingsOf('-- migration-guard:ignore\nALTER TABLE users DROP COLUMN email;')).map((f) => [f.message, f.fix])).toEqual([
      [
        'This ignore comment for <rule-id> has no reason, so it suppresses nothing: add "reason: <why this is safe>".',
        '  -- migration-guard:ignore <rule-id> reason: <why this is safe, e.g. the table is empty / phase 3 of #123>',
      ],
    ]);
  });
});
