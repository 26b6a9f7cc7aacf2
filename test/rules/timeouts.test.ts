/**
 * support/timeouts, through require-lock-timeout and require-statement-timeout: one finding
 * per scope (the file, or each explicit transaction block), and messages that name an
 * index with its table.
 */
import { describe, expect, it } from 'vitest';
import { findRule } from '../../src/rules/index.js';
import { runExample } from '../rule-tester.js';

const lockTimeout = findRule('require-lock-timeout')!;
const statementTimeout = findRule('require-statement-timeout')!;

describe('the scope of a finding', () => {
  it('a statement before a transaction block does not cover the block: each gets its own finding', async () => {
    const findings = await runExample(lockTimeout, {
      sql: 'ALTER TABLE users ADD COLUMN a text;\nBEGIN;\nALTER TABLE orders ADD COLUMN b text;\nALTER TABLE invoices ADD COLUMN c text;\nCOMMIT;',
    });
    expect(findings.map((f) => f.tables)).toEqual([['users'], ['orders']]);
  });

  it('a file run outside any transaction (goose NO TRANSACTION) is one scope', async () => {
    const findings = await runExample(lockTimeout, {
      files: [{ path: 'db/migrations/20260101000000_add_columns.sql', text: '-- +goose Up\n-- +goose NO TRANSACTION\nALTER TABLE users ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;\n' }],
    });
    expect(findings.map((f) => f.tables)).toEqual([['users']]);
  });
});

describe('what the message says is locked', () => {
  it('an index altered or rebuilt, with its table', async () => {
    const moved = await runExample(lockTimeout, { sql: 'ALTER INDEX users_email_idx SET TABLESPACE fast_disk;' });
    const rebuilt = await runExample(statementTimeout, { sql: 'REINDEX INDEX users_email_idx;' });
    expect(moved.map((f) => f.message)).toEqual([
      'No lock_timeout is set before this ACCESS EXCLUSIVE lock on index users_email_idx (and its table): while it waits, every query on its table queues behind it. One setting covers the whole file.',
    ]);
    expect(rebuilt.map((f) => f.message)).toEqual(['No statement_timeout is set before this long-running operation on index users_email_idx (and its table). One setting covers the whole file.']);
  });

  it('every table a statement locks', async () => {
    const findings = await runExample(lockTimeout, { sql: 'LOCK TABLE users, orders IN ACCESS EXCLUSIVE MODE;' });
    expect(findings.map((f) => f.message)).toEqual([
      'No lock_timeout is set before this ACCESS EXCLUSIVE lock on users, orders: while it waits, every query on users, orders queues behind it. One setting covers the whole file.',
    ]);
  });
});
