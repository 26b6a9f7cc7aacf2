/**
 * The breaking rules' AST readers (support/breaking-ast), through the rules that use them:
 * the type an ALTER COLUMN TYPE leaves for later migrations to see.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

describe('the columns a statement introduces', () => {
  it('ALTER COLUMN TYPE gives the column its new type for later migrations', async () => {
    const findings = await runExample(findRule('ban-alter-column-type')!, {
      files: [
        { path: 'migrations/20260101000000_users.up.sql', text: 'CREATE TABLE users (code int);', change: 'unchanged' },
        { path: 'migrations/20260101000001_code_text.up.sql', text: 'ALTER TABLE users ALTER COLUMN code TYPE varchar(20);', change: 'unchanged' },
        { path: 'migrations/20260101000002_code_wider.up.sql', text: 'ALTER TABLE users ALTER COLUMN code TYPE varchar(40);' },
      ],
    });
    // NOTE: varchar(20) to varchar(40) keeps the data as it is; int to varchar(40) would rewrite the table.
    expect(findings).toEqual([]);
  });
});
