/**
 * require-concurrent-index-deletion: which earlier CREATE INDEX makes a drop safe (only one
 * before the drop, on a table new in this change), and the advice for a partitioned table.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-concurrent-index-deletion')!;

const file = (name: string, text: string) => ({ path: `migrations/${name}.up.sql`, text });

describe('an index created after the drop', () => {
  it('in the same file, on a new table, does not make the drop of the older index safe', async () => {
    const findings = await runExample(rule, {
      sql: 'CREATE TABLE sessions (token text);\nDROP INDEX sessions_token_idx;\nCREATE INDEX sessions_token_idx ON sessions (token);',
    });
    expect(findings.map((f) => f.message)).toEqual(['DROP INDEX sessions_token_idx without CONCURRENTLY locks its table against reads and writes.']);
  });

  it('in a later migration, on a table new in this change, does not make the drop safe', async () => {
    const findings = await runExample(rule, {
      files: [
        file('20260101000000_sessions', 'CREATE TABLE sessions (token text);'),
        file('20260101000001_drop', "SET lock_timeout = '2s';\nDROP INDEX sessions_token_idx;"),
        file('20260101000002_index', 'CREATE INDEX sessions_token_idx ON sessions (token);'),
      ],
    });
    expect(findings.map((f) => f.messageId)).toEqual(['missingConcurrently']);
  });

  it('in a later migration does not make a DROP INDEX IF EXISTS a no-op', async () => {
    const findings = await runExample(rule, {
      files: [
        file('20260101000000_sessions', 'CREATE TABLE sessions (token text);'),
        file('20260101000001_drop', 'DROP INDEX IF EXISTS sessions_token_idx;'),
        file('20260101000002_index', 'CREATE INDEX sessions_user_idx ON sessions (token);\nCREATE INDEX sessions_token_idx ON sessions (token);'),
      ],
    });
    expect(findings.map((f) => f.messageId)).toEqual(['missingConcurrently']);
  });
});

describe('an index of a partitioned table', () => {
  it('is dropped in a transaction of its own with a short lock_timeout, never CONCURRENTLY', async () => {
    const findings = await runExample(rule, {
      files: [
        { ...file('20260101000000_measurements', 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);\nCREATE INDEX measurements_at_idx ON measurements (at);'), change: 'unchanged' },
        file('20260101000001_drop', 'DROP INDEX measurements_at_idx;'),
      ],
    });
    expect(findings.map((f) => f.fix)).toEqual([
      [
        'Postgres cannot drop the index of a partitioned table CONCURRENTLY. Drop it in a transaction of its own with a short lock_timeout, and retry if it times out:',
        "   SET lock_timeout = '2s';  -- in each of these migrations: fail fast instead of queueing behind long queries",
        '   DROP INDEX measurements_at_idx;',
      ].join('\n'),
    ]);
  });
});
