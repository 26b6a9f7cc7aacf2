/** require-concurrent-index-creation on a partitioned table: the finding names the table and offers no CONCURRENTLY rebuild. */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-concurrent-index-creation')!;

describe('an index on a partitioned table', () => {
  it('names the table, and its details carry no CONCURRENTLY statement (Postgres rejects it there)', async () => {
    const findings = await runExample(rule, {
      files: [
        { path: 'migrations/20260101000000_measurements.up.sql', text: 'CREATE TABLE measurements (at date) PARTITION BY RANGE (at);', change: 'unchanged' },
        { path: 'migrations/20260101000001_index.up.sql', text: 'CREATE INDEX measurements_at_idx ON measurements (at);' },
      ],
    });
    expect(findings.map((f) => [f.tables, f.details])).toEqual([[['measurements'], { table: 'measurements', fixed: '', dropLeftover: '' }]]);
    expect(findings[0]!.fix).not.toContain('CONCURRENTLY measurements_at_idx ON measurements');
  });
});

describe('the rebuilt statement', () => {
  it('puts CONCURRENTLY after INDEX however the words are spaced', async () => {
    const findings = await runExample(rule, { sql: 'CREATE\n    UNIQUE\n    INDEX users_email_key ON users (email);' });
    expect(findings.map((f) => f.details.fixed)).toEqual(['CREATE\n       UNIQUE\n       INDEX CONCURRENTLY users_email_key ON users (email);']);
  });
});
