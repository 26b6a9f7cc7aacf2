/**
 * The locking rules' AST readers (support/locking-ast), through the rules that use them: which
 * statements add a primary key, and which CHECKs prove a column NOT NULL.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

async function messagesOf(ruleId: string, sql: string): Promise<string[]> {
  return (await runExample(findRule(ruleId)!, { sql })).map((f) => f.message);
}

describe('the primary keys an ALTER TABLE adds', () => {
  it('a primary key added to another table later in the transaction does not replace the dropped one', async () => {
    expect(await messagesOf('ban-drop-primary-key', 'BEGIN;\nALTER TABLE users DROP CONSTRAINT users_pkey;\nALTER TABLE orders ADD PRIMARY KEY (id);\nCOMMIT;')).toHaveLength(1);
  });
});

describe('the CHECKs that prove a column NOT NULL', () => {
  const SET_NOT_NULL = 'SET NOT NULL on users.email scans every row while blocking all reads and writes.';

  it('a CHECK on an expression of the column proves nothing about the column', async () => {
    expect(await messagesOf('ban-set-not-null', 'ALTER TABLE users ADD CONSTRAINT users_email_lower CHECK (lower(email) IS NOT NULL);\nALTER TABLE users ALTER COLUMN email SET NOT NULL;')).toEqual([SET_NOT_NULL]);
  });

  it('a NOT VALID check dropped instead of validated proves nothing', async () => {
    expect(
      await messagesOf('ban-set-not-null', 'ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users DROP CONSTRAINT users_email_nn;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;'),
    ).toEqual([SET_NOT_NULL]);
  });

  it('the finding names the column the CHECK requires', async () => {
    expect(await messagesOf('ban-not-null-on-new-column', 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ADD CONSTRAINT users_nickname_not_null CHECK (NickName IS NOT NULL) NOT VALID;')).toEqual([
      'users.nickname is added in this change without a DEFAULT; requiring it NOT NULL makes INSERTs from code deployed before it fail.',
    ]);
  });
});
