/**
 * Which columns support/null-columns.ts takes to hold only NULLs, seen through
 * require-constraint-pre-check: a unique index on such a column cannot meet a duplicate.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const rule = findRule('require-constraint-pre-check')!;

/** The message ids of the pre-check findings on `sql`. */
async function preChecks(sql: string): Promise<string[]> {
  return (await runExample(rule, { sql })).map((finding) => finding.messageId);
}

describe('columns that hold only NULLs', () => {
  it('a column added without a default holds only NULLs: a unique index on it needs no pre-check', async () => {
    expect(await preChecks('ALTER TABLE users ADD COLUMN handle text;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);')).toEqual([]);
  });

  it('a stored generated column is computed for every existing row', async () => {
    expect(await preChecks('ALTER TABLE users ADD COLUMN handle text GENERATED ALWAYS AS (lower(email)) STORED;\nCREATE UNIQUE INDEX CONCURRENTLY users_handle_key ON users (handle);')).toEqual(['duplicates']);
  });
});
