/** The migration context: transactions and timeouts as the rules see them. */
import { beforeAll, describe, expect, it } from 'vitest';
import { CreatedTables, TransactionTracker } from '../../src/core/context.js';
import { loadParser, parseRegion } from '../../src/core/parse.js';
import type { StatementState } from '../../src/core/rule.js';
import { LineIndex } from '../../src/core/source.js';

beforeAll(async () => {
  await loadParser();
});

/** The state before each statement of `sql`. */
function states(sql: string, implicitTransaction = false, sends?: 'one-query'): StatementState[] {
  const { statements } = parseRegion(new LineIndex(sql), 0, sql.length, 'up');
  const tracker = TransactionTracker.forSection({ implicitTransaction, sends }, statements.length);
  return statements.map((s) => {
    const state = tracker.stateFor();
    tracker.observe(s);
    return state;
  });
}

describe('TransactionTracker', () => {
  it('follows explicit transactions', () => {
    const [begin, inside, after] = states('BEGIN;\nSELECT 1;\nCOMMIT;\nSELECT 2;').filter((_, i) => i !== 2);
    expect(begin!.inTransaction).toBe(false);
    expect(inside!.transaction).toBe('explicit');
    expect(after!.inTransaction).toBe(false);
  });

  it('treats the tool transaction as implicit and a COMMIT as its end', () => {
    const s = states('SELECT 1;\nCOMMIT;\nSELECT 2;', true);
    expect(s[0]!.transaction).toBe('implicit');
    expect(s[2]!.inTransaction).toBe(false);
  });

  it('runs a section sent as one query in an implicit block when it holds several statements, re-opened after a COMMIT', () => {
    expect(states('SELECT 1;', false, 'one-query').map((s) => s.inTransaction)).toEqual([false]);
    const s = states('SELECT 1;\nCOMMIT;\nSELECT 2;\nBEGIN;\nSELECT 3;\nCOMMIT;\nSELECT 4;', false, 'one-query');
    expect(s.map((state) => state.transaction)).toEqual(['implicit', 'implicit', 'implicit', 'implicit', 'explicit', 'explicit', 'implicit']);
    expect(s[2]!.transactionStatements).toEqual([]);
    expect(states('SELECT 1;\nSELECT 2;').map((state) => state.inTransaction)).toEqual([false, false]);
  });

  it('sees lock_timeout from SET, SET LOCAL and set_config, and its reset', () => {
    expect(states("SET lock_timeout = '2s';\nSELECT 1;")[1]!.lockTimeout).toBe(true);
    expect(states("SET lock_timeout = 0;\nSELECT 1;")[1]!.lockTimeout).toBe(false);
    expect(states("BEGIN;\nSET LOCAL lock_timeout = '2s';\nSELECT 1;\nCOMMIT;\nSELECT 2;").map((s) => s.lockTimeout)).toEqual([false, false, true, true, false]);
    expect(states("SELECT set_config('lock_timeout', '2s', false);\nSELECT 1;")[1]!.lockTimeout).toBe(true);
    expect(states("SELECT set_config('statement_timeout', '5min', false);\nSELECT 1;")[1]!.statementTimeout).toBe(true);
    expect(states("SET lock_timeout = '2s';\nRESET lock_timeout;\nSELECT 1;")[2]!.lockTimeout).toBe(false);
  });

  it('reads set_config as Postgres does: any case of the name, local to the transaction when is_local is true', () => {
    expect(states("BEGIN;\nSELECT set_config('LOCK_TIMEOUT', '2s', true);\nSELECT 1;\nCOMMIT;\nSELECT 2;").map((s) => s.lockTimeout)).toEqual([false, false, true, true, false]);
    expect(states("BEGIN;\nSELECT set_config('lock_timeout', '2s', false);\nSELECT 1;\nCOMMIT;\nSELECT 2;").map((s) => s.lockTimeout)).toEqual([false, false, true, true, true]);
    expect(states("SELECT set_config('lock_timeout', '0', false);\nSELECT 1;")[1]!.lockTimeout).toBe(false);
  });

  it('ends a transaction at ROLLBACK and PREPARE TRANSACTION as at COMMIT, and not at a SAVEPOINT', () => {
    expect(states('BEGIN;\nSELECT 1;\nROLLBACK;\nSELECT 2;').map((s) => s.transaction)).toEqual(['none', 'explicit', 'explicit', 'none']);
    expect(states("BEGIN;\nSELECT 1;\nPREPARE TRANSACTION 'x';\nSELECT 2;").map((s) => s.transaction)).toEqual(['none', 'explicit', 'explicit', 'none']);
    expect(states('BEGIN;\nSAVEPOINT a;\nSELECT 1;').map((s) => s.transaction)).toEqual(['none', 'explicit', 'explicit']);
  });

  it('closes a tool transaction at COMMIT for good unless told it reopens, and lists no statements outside one', () => {
    const tracker = new TransactionTracker(true);
    const sql = 'SELECT 1;\nCOMMIT;\nSELECT 2;';
    const { statements } = parseRegion(new LineIndex(sql), 0, sql.length, 'up');
    const seen = statements.map((statement) => {
      const state = tracker.stateFor();
      tracker.observe(statement);
      return [state.transaction, state.transactionStatements.length];
    });
    expect(seen).toEqual([
      ['implicit', 0],
      ['implicit', 1],
      ['none', 0],
    ]);
  });

  it('ignores set_config calls whose setting it cannot read', () => {
    expect(states("SELECT set_config(current_setting('app.name'), '2s', false);\nSELECT 1;")[1]!.lockTimeout).toBe(false);
    expect(states('SELECT set_config();\nSELECT 1;')[1]!.lockTimeout).toBe(false);
  });

  it('lists the statements earlier in the transaction', () => {
    expect(states('BEGIN;\nSELECT 1;\nSELECT 2;\nCOMMIT;')[2]!.transactionStatements.map((s) => s.text.trim())).toEqual(['SELECT 1']);
  });
});

describe('CreatedTables', () => {
  it('collects the tables locked and altered earlier in the transaction, each state seeing only those before it', () => {
    const sql = [
      'BEGIN;',
      'ALTER TABLE users ALTER COLUMN a TYPE bigint;',
      'ALTER TABLE public.Users ADD COLUMN b text;',
      'LOCK TABLE orders IN ACCESS EXCLUSIVE MODE;',
      "ALTER TYPE mood ADD VALUE 'calm';",
      'COMMIT;',
      'SELECT 1;',
    ].join('\n');
    const s = states(sql);
    const locked = s.map((state) => [...state.accessExclusiveTables]);
    expect(locked).toEqual([[], [], ['users'], ['users', 'public.users'], ['users', 'public.users', 'orders'], ['users', 'public.users', 'orders'], []]);
    expect(s.map((state) => state.accessExclusiveTables.size)).toEqual(locked.map((l) => l.length));
    // NOTE: by relationKey: any spelling of a table counts, and only what came before.
    expect([s[2]!.accessExclusiveTables.has('PUBLIC.users'), s[2]!.accessExclusiveTables.has('orders'), s[5]!.accessExclusiveTables.has('Orders')]).toEqual([true, false, true]);
    // NOTE: only a statement that reads every row counts: the type change, not the nullable column.
    expect([s[1]!.tablesReadInFull.has('users'), s[2]!.tablesReadInFull.has('public.users'), s[4]!.tablesReadInFull.has('orders'), s[6]!.tablesReadInFull.has('users')]).toEqual([false, true, false, false]);
    expect([...s[4]!.tablesReadInFull]).toEqual(['users']);
    expect(s.map((state) => [...state.addedEnumValues].map((v) => v.newVal))).toEqual([[], [], [], [], [], ['calm'], []]);
  });

  it('knows tables created (and renamed) earlier, schema-insensitively for public', () => {
    const sql = 'CREATE TABLE public.Drafts (id int);\nALTER TABLE drafts RENAME TO notes;';
    const created = new CreatedTables();
    for (const s of parseRegion(new LineIndex(sql), 0, sql.length, 'up').statements) created.observe(s.node);
    expect(created.has('drafts')).toBe(true);
    expect(created.has('public.notes')).toBe(true);
    expect(created.has('users')).toBe(false);
  });

  it('keeps the schema of a renamed table: the new name is in the same schema', () => {
    const sql = 'CREATE TABLE app.drafts (id int);\nALTER TABLE app.drafts RENAME TO notes;';
    const created = new CreatedTables();
    for (const s of parseRegion(new LineIndex(sql), 0, sql.length, 'up').statements) created.observe(s.node);
    expect([created.has('app.notes'), created.has('notes'), created.has('public.notes')]).toEqual([true, false, false]);
  });
});
